"""Markdown rendering (src/cpd_pack/content.py): links that leave the package."""

from __future__ import annotations

from pathlib import Path

from cpd_pack import i18n
from cpd_pack.content import Renderer

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"
HINT = '<span class="cpd-sr"> (opens in a new tab)</span>'


def _render(text: str, language: str = "en-GB", inline: bool = False) -> str:
    r = Renderer(MINI, i18n.messages(language, {}))
    return str(r.markdown(text, ("units", 0), inline=inline))


def test_links_leaving_the_package_open_in_a_new_tab_and_say_so() -> None:
    html = _render(
        "[NICE](https://www.nice.org.uk/a?b=1) or <mailto:cpd@example.org> or [x](//example.org)"
    )
    assert html == (
        f'<p><a href="https://www.nice.org.uk/a?b=1" target="_blank" rel="noopener">NICE{HINT}</a>'
        f' or <a href="mailto:cpd@example.org" target="_blank" rel="noopener">mailto:cpd@example.org{HINT}</a>'
        f' or <a href="//example.org" target="_blank" rel="noopener">x{HINT}</a></p>\n'
    )


def test_links_inside_the_package_are_unchanged() -> None:
    html = _render("[notes](media/hello.md#top), [here](#top) and ![a square](media/square.png)")
    assert html == (
        '<p><a href="media/hello.md#top">notes</a>, <a href="#top">here</a> and '
        '<img src="media/square.png" alt="a square" /></p>\n'
    )


def test_the_hint_is_in_the_course_language_and_inline_markdown_gets_it_too() -> None:
    english = _render("[*a* link](http://example.org)", inline=True)
    assert (
        english
        == f'<a href="http://example.org" target="_blank" rel="noopener"><em>a</em> link{HINT}</a>'
    )
    french = i18n.messages("fr", {})("link.new_tab")
    assert french in _render("[lien](https://example.org)", language="fr")
