from cpd_pack.cli import main

main()
