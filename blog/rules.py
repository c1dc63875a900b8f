"""The rules input must meet: every size limit, named once, the error for breaking one,
and the check every plain-text field passes.

The columns, the checks, the form hints and the templates all read these
numbers. A leaf module: it imports nothing of ours, so anything may import it.
"""

import re
from dataclasses import dataclass, field

# The largest value an SQL INTEGER column holds on every supported database:
# numbers from a URL or a form are checked against it before any query.
MAX_ID = 2**31 - 1

# More proxies than this in front of one app is a typo, not a deployment.
MAX_PROXY_COUNT = 10

MAX_TITLE_LENGTH = 200
MAX_SUMMARY_LENGTH = 300
MAX_SLUG_LENGTH = 200
MAX_BODY_LENGTH = 200_000
# A topic's one line for feeds and meta descriptions, and its landing-page intro.
MAX_TOPIC_DESCRIPTION_LENGTH = 200
MAX_TOPIC_INTRO_LENGTH = 20_000

# The glossary: a term or one synonym; all of a term's synonyms together; its short definition.
MAX_TERM_LENGTH = 100
MAX_SYNONYMS_LENGTH = 1_000
MAX_DEFINITION_LENGTH = 300
MAX_EXPLANATION_LENGTH = 20_000

# How deep Markdown may nest blocks and links (deeper content is dropped), and how
# deep emphasis (deeper is shown as literal "*"); real writing stays under 6.
MAX_MARKDOWN_NESTING = 20
MAX_EMPHASIS_DEPTH = 20
# How much markup one text may make: elements, plus characters that must be escaped
# ("&", "<", ">"). Cleaning costs time per piece, so this bounds the time a save or
# a preview can take; a long article of ordinary prose makes a small fraction of it.
MAX_MARKUP_PIECES = 20_000
# Checked before parsing, so a hostile text is refused before it costs anything:
# the characters that open or close inline markup, and the lines (each a block
# the parser examines). A long article of prose with links uses a few thousand.
MAX_MARKUP_CHARACTERS = 20_000
MAX_LINES = 10_000

# The note an author gives a material update ("Dose guidance updated after …"),
# shown to readers and in feeds as "Updated <date>: <note>".
MAX_UPDATE_NOTE_LENGTH = 200
# A safety notice editors set for the whole site (Markdown), and a setting's name.
MAX_NOTICE_LENGTH = 2_000
MAX_SETTING_KEY_LENGTH = 64

MAX_USERNAME_LENGTH = 64
MAX_DISPLAY_NAME_LENGTH = 120
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# How long a one-time set-password link an editor hands on stays usable.
PASSWORD_LINK_HOURS = 48

# A public profile: credentials as readers see them after a name ("MBBS, MRCPsych"),
# a role title ("Consultant psychiatrist"), and a short bio in Markdown.
MAX_CREDENTIALS_LENGTH = 120
MAX_ROLE_TITLE_LENGTH = 120
MAX_BIO_LENGTH = 5_000

# Medical review: the next review falls due this many months after a review,
# unless the article's topic sets its own interval (1 to the most below).
DEFAULT_REVIEW_INTERVAL_MONTHS = 12
MAX_REVIEW_INTERVAL_MONTHS = 60
# The reviews dashboard lists articles due within this many days as "due soon".
REVIEW_DUE_SOON_DAYS = 30


@dataclass
class InvalidInput(Exception):
    """Input that cannot be saved; ``errors`` maps each field to what is wrong with it.

    The keys are the names of the domain's fields (``title``, ``body_markdown``,
    ``topic_id``...), the same as the columns they are stored in.
    """

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return " ".join(self.errors.values())


def whole_number(text: str | None, *, maximum: int = MAX_ID) -> int | None:
    """Read a whole number from 1 to ``maximum`` out of a URL or a form; None if it is not one.

    ASCII digits only (``int`` would accept "²" after ``isdigit`` did, or "١"), and
    never more of them than ``maximum`` has, so no huge number is ever converted.
    """
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


# Search: a query is cut to this many characters, then read into at most this many
# words and phrases (the rest are ignored), each phrase at most this many words; a
# glossary term brings at most this many other names with it. Results are shown a
# page at a time, at most this many pages deep (ranking reads every match anyway).
MAX_SEARCH_QUERY_LENGTH = 200
MAX_SEARCH_TERMS = 8
MAX_SEARCH_PHRASE_WORDS = 8
MAX_SEARCH_SYNONYMS = 8
MAX_SEARCH_PAGES = 50
# Only the newest this many matches of a query are ranked: a word in every one of
# 100,000 articles then costs what a rare word does (see blog.search.ranked).
MAX_SEARCH_CANDIDATES = 1_000
# A result's snippet is taken from the first this many characters of its body: the
# cost of a snippet grows fast with the matches in its text.
MAX_SNIPPET_SOURCE_LENGTH = 5_000
# A burst of searches from one address past this many in this many seconds gets 429.
SEARCH_REQUESTS_LIMIT = 30
SEARCH_REQUESTS_WINDOW = 10

# A cache scope is "topic:" and a slug, or a shorter name of the cache's own.
MAX_CACHE_SCOPE_LENGTH = MAX_SLUG_LENGTH + 20

# Images (blog.media, blog.library). The upload route alone accepts more than
# MAX_CONTENT_LENGTH: one file of up to this many bytes, plus its form fields.
MAX_IMAGE_UPLOAD_BYTES = 10 * 1024 * 1024
# Room for the form's other fields and the multipart framing around the file.
MAX_IMAGE_REQUEST_BYTES = MAX_IMAGE_UPLOAD_BYTES + 64 * 1024
# One image per upload, and a form of a few fields: more parts is not our form.
MAX_IMAGES_PER_UPLOAD = 1
MAX_IMAGE_FORM_PARTS = 10
# Decoded size: a small file can claim a huge picture (a decompression bomb).
MAX_IMAGE_PIXELS = 40_000_000
# The widths served, never wider than the image itself.
IMAGE_VARIANT_WIDTHS = (480, 960, 1600)
# The tallest a stored variant can be: WebP's own limit (a longer image is refused).
MAX_IMAGE_VARIANT_HEIGHT = 16_383
MAX_ALT_TEXT_LENGTH = 300
# Library images one text may place: each is looked up when the text is saved.
MAX_LIBRARY_IMAGES_PER_TEXT = 100


# Something a browser or feed reader could take for the start of an HTML tag.
_TAG_START = re.compile(r"<\s*[a-zA-Z!/?]")


def plain_text_problem(name: str, text: str, limit: int) -> str | None:
    """Return why ``text`` cannot be the plain-text field ``name``, or None if it can."""
    if len(text) > limit:
        return f"Keep the {name} to {limit} characters or fewer (it has {len(text)})."
    if _TAG_START.search(text):
        return f"A {name} is plain text: remove the HTML tag from it."
    return None
