"""Safety notices: the medical disclaimer and the crisis-support notice, set by editors.

Readers of health pages are sometimes in crisis, and feed readers show an item
without the site around it; so both notices go with the content everywhere it
goes. The disclaimer is on every article and topic page and every feed item;
the crisis-support notice is on the pages of topics marked as mental health,
their articles, and those articles' feed items. Editors change the text at
``/manage/site`` (Markdown, cleaned like an article); until they do, and
whenever they empty a field, the defaults below apply, so a site never goes
without either notice.

Also the line a material update shows readers: "Updated <date>: <note>".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache as memoise
from html import escape

from markupsafe import Markup
from sqlalchemy import select

from . import cache, clock
from .content import render_markdown
from .extensions import db
from .models import Article, Author, SiteSetting, Topic
from .presentation import long_date
from .publishing import clean_typed_text
from .rules import MAX_NOTICE_LENGTH, InvalidInput


@dataclass(frozen=True)
class NoticeKind:
    """One notice editors can set: its setting key, what it is called, and its default."""

    key: str
    label: str
    # The heading readers see above it, on pages and in feeds.
    heading: str
    default: str


# Numbers named here were checked against the services' own pages and NHS pages:
# 999 and 111 (NHS, England; 111's mental health option), Samaritans 116 123 (UK,
# free, any time), 911 and the 988 Suicide & Crisis Lifeline (US, call or text).
CRISIS = NoticeKind(
    key="crisis_notice",
    label="Crisis-support notice",
    heading="If you need help now",
    default=(
        "**If you are thinking about suicide or feel you cannot keep yourself safe, get help "
        "now.** Call your local emergency number (999 in the UK, 911 in the US) or go to the "
        "nearest emergency department.\n\n"
        "To talk to someone: in the UK, call Samaritans free on 116 123 at any time, or call "
        "NHS 111 and choose the mental health option. In the US, call or text 988 (the 988 "
        "Suicide & Crisis Lifeline). Elsewhere, your doctor or local health service can tell "
        "you which crisis lines serve where you live."
    ),
)
DISCLAIMER = NoticeKind(
    key="medical_disclaimer",
    label="Medical disclaimer",
    heading="About this information",
    default=(
        "This is general information, not medical advice about you. It cannot take account of "
        "your own health, history or medicines. Talk to your doctor, prescriber or pharmacist "
        "before you start, stop or change any treatment. In an emergency, call your local "
        "emergency number."
    ),
)
KINDS = (DISCLAIMER, CRISIS)


@dataclass(frozen=True)
class SiteNotices:
    """The notices as readers see them now: clean HTML, and when an editor last changed them."""

    disclaimer_html: str
    crisis_html: str
    # None while both are the defaults nobody has saved.
    changed_at: datetime | None

    def for_topic(self, topic: Topic) -> list[tuple[NoticeKind, str]]:
        """Return the notices shown with ``topic`` and its articles, crisis support first."""
        shown = [(CRISIS, self.crisis_html)] if topic.is_mental_health else []
        return [*shown, (DISCLAIMER, self.disclaimer_html)]

    def feed_html(self, topic: Topic) -> str:
        """Return the notices as a feed item ends with them, after a rule."""
        parts = [
            f"<p><strong>{escape(kind.heading)}</strong></p>\n{html}"
            for kind, html in self.for_topic(topic)
        ]
        return "\n<hr>\n" + "\n".join(parts)


@memoise
def _default_html(kind: NoticeKind) -> str:
    return render_markdown(kind.default, field=kind.key)


def current() -> SiteNotices:
    """Return the notices readers see now (one query)."""
    rows = {
        row.key: row
        for row in db.session.scalars(
            select(SiteSetting).where(SiteSetting.key.in_([kind.key for kind in KINDS]))
        )
    }

    def shown(kind: NoticeKind) -> str:
        row = rows.get(kind.key)
        return row.html if row is not None and row.value else _default_html(kind)

    stamps = [row.updated_at for row in rows.values()]
    return SiteNotices(
        disclaimer_html=shown(DISCLAIMER),
        crisis_html=shown(CRISIS),
        changed_at=max(stamps) if stamps else None,
    )


def typed_text(kind: NoticeKind) -> str:
    """Return what editors typed for ``kind``; empty when it is the default."""
    row = db.session.get(SiteSetting, kind.key)
    return row.value if row is not None else ""


def save_notices(
    texts: dict[str, str], *, by: Author, now: datetime | None = None
) -> list[NoticeKind]:
    """Store the notices in ``texts`` (by key; empty: the default); return those that changed.

    Every page and feed shows a notice, so a change drops every cached page and
    feed, and moves every topic feed's Last-Modified on. Bad input raises
    InvalidInput, saving nothing.
    """
    now = now or clock.now()
    wanted = {kind.key: clean_typed_text(texts.get(kind.key, "")).strip() for kind in KINDS}
    rendered: dict[str, str] = {}
    errors: dict[str, str] = {}
    for kind in KINDS:
        text = wanted[kind.key]
        if len(text) > MAX_NOTICE_LENGTH:
            errors[kind.key] = (
                f"Keep the {kind.label.lower()} to {MAX_NOTICE_LENGTH:,} characters or fewer "
                f"(it has {len(text):,})."
            )
            continue
        try:
            rendered[kind.key] = render_markdown(text, field=kind.key) if text else ""
        except InvalidInput as invalid:
            errors.update(invalid.errors)
    if errors:
        raise InvalidInput(errors)
    changed = [kind for kind in KINDS if typed_text(kind) != wanted[kind.key]]
    if not changed:
        return []
    for kind in changed:
        row = db.session.get(SiteSetting, kind.key) or SiteSetting(key=kind.key)
        row.value, row.html = wanted[kind.key], rendered[kind.key]
        row.updated_at, row.updated_by_id = now, by.id
        db.session.add(row)
    topics = db.session.scalars(select(Topic)).all()
    for topic in topics:
        # Every feed item carries the disclaimer: every feed changed now.
        topic.feed_changed_at = max(topic.feed_changed_at, now)
    db.session.commit()
    cache.invalidate(
        [cache.SITE_SCOPE, cache.PAGES_SCOPE, *(cache.topic_scope(t.slug) for t in topics)]
    )
    return changed


def update_line_html(article: Article) -> Markup | None:
    """Return "Updated <date>: <note>" for the article's last material update, or None.

    One paragraph of HTML, the same on the page and at the top of feed items;
    the date in the site's style and time zone, the note (plain text) escaped.
    """
    if article.last_material_update_at is None or not article.material_update_note:
        return None
    day = long_date(clock.to_site_time(article.last_material_update_at))
    return Markup('<p class="updated"><strong>Updated {}:</strong> {}</p>').format(
        day, article.material_update_note
    )
