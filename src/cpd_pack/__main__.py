from cpd_pack.cli import cli

cli()
