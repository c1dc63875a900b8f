"""Bare DOIs and PubMed ids in text become links, so a reference can be checked in one click.

"doi:10.1007/s40263-021-00832-x" and "https://doi.org/10.1007/..." link to
https://doi.org/10.1007/...; "PMID: 30255284" links to
https://pubmed.ncbi.nlm.nih.gov/30255284/. The link text is what the author
typed. This is a markdown-it core rule on text tokens, so code spans, code
blocks, existing links (autolinks too) and image descriptions are never
touched, and the links it makes go through the cleaner like any other.
"""

import re
from urllib.parse import quote

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

DOI_RESOLVER = "https://doi.org/"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"

# Only at the start of a text token, after a space or after opening punctuation:
# never in the middle of a word or of another URL ("…?u=https://doi.org/…").
_STARTS_AFTER = r"(?<![^\s(\[{\"'“‘])"
_IDENTIFIER = re.compile(
    _STARTS_AFTER
    + r"(?:"
    # A DOI: "10." a registrant code, "/", then a suffix that may hold almost anything.
    + r"(?P<doi_prefix>doi: ?|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.[0-9]{4,9}/\S+)"
    + r"|"
    + r"PMID:? ?(?P<pmid>[0-9]{1,9})(?!\w)"
    + r")",
    re.IGNORECASE,
)
# What ends a sentence, not a DOI: "see doi:10.1/abc." links "10.1/abc".
_TRAILING = ".,;:!?'\"”’"
_PAIRS = {")": "(", "]": "["}
# Characters a DOI may hold that must be escaped in a URL path ("#", "?", "<"...)
# when it was typed as "doi:…"; typed as a URL, "#", "?" and "%" mean what URLs say.
_SAFE_IN_PATH = "/()._-;:"
_SAFE_IN_URL = _SAFE_IN_PATH + "#?&=%~+!*,@$'[]"


def doi_url(doi: str, *, keep_url_syntax: bool = False) -> str:
    """Return the resolver URL of ``doi``, with characters a URL reads specially escaped."""
    return DOI_RESOLVER + quote(doi, safe=_SAFE_IN_URL if keep_url_syntax else _SAFE_IN_PATH)


def pubmed_url(pmid: str) -> str:
    """Return the PubMed page of the record ``pmid``."""
    return f"{PUBMED}{int(pmid)}/"


def _trim(doi: str) -> str:
    """Drop what follows a DOI in prose: final punctuation and closing brackets it did not open."""
    while doi:
        last = doi[-1]
        if last in _TRAILING:
            doi = doi[:-1]
        elif last in _PAIRS and doi.count(_PAIRS[last]) < doi.count(last):
            doi = doi[:-1]
        else:
            break
    return doi


def _found(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, url) of every identifier in ``text``, in order."""
    found = []
    for match in _IDENTIFIER.finditer(text):
        if match.group("doi") is not None:
            doi = _trim(match.group("doi"))
            if "/" not in doi or doi.endswith("/"):
                continue  # "doi:10.1234/." is not a DOI
            end = match.start("doi") + len(doi)
            typed_as_url = match.group("doi_prefix").lower().startswith("http")
            found.append((match.start(), end, doi_url(doi, keep_url_syntax=typed_as_url)))
        else:
            found.append((match.start(), match.end(), pubmed_url(match.group("pmid"))))
    return found


def _linked(token: Token) -> list[Token]:
    """Return ``token`` (a text token) split into text and links around its identifiers."""
    text = token.content
    pieces: list[Token] = []
    done = 0
    for start, end, url in _found(text):
        if start > done:
            pieces.append(_text(text[done:start], token.level))
        link_open = Token("link_open", "a", 1, level=token.level, attrs={"href": url})
        pieces.append(link_open)
        pieces.append(_text(text[start:end], token.level + 1))
        pieces.append(Token("link_close", "a", -1, level=token.level))
        done = end
    if not pieces:
        return [token]
    if done < len(text):
        pieces.append(_text(text[done:], token.level))
    return pieces


def _text(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


def link_identifiers(state: StateCore) -> None:
    """Turn DOIs and PubMed ids in text, outside links, into links (a markdown-it core rule)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for child in block.children:
            if child.type == "link_open":
                inside_link += 1
            elif child.type == "link_close":
                inside_link -= 1
            if child.type == "text" and not inside_link:
                children.extend(_linked(child))
            else:
                children.append(child)
        block.children = children
