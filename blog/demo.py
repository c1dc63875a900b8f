"""The demo site: the treatment-resistant depression topic and its first guide."""

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from sqlalchemy import select

from . import accounts, glossary_editing, publishing, reviews, topics
from .demo_glossary import TERMS
from .extensions import db
from .models import Article, GlossaryTerm, Topic

DEMO_AUTHOR = "editorial"
# A fictional clinical reviewer, so the demo can show medical review; not a real person.
DEMO_REVIEWER = "demo-reviewer"
DEMO_REVIEWER_PROFILE = accounts.ProfileInput(
    display_name="Dr Demo Reviewer",
    credentials="MBBS, MRCPsych",
    role_title="Consultant psychiatrist (fictional demo account)",
    bio_markdown=(
        "**This is not a real person.** Dr Demo Reviewer is a made-up account that shows how "
        "this site records medical review. On a real site, this page would say who the "
        "reviewer is, where they practise and what they are qualified to check."
    ),
)
TOPIC_SLUG = "treatment-resistant-depression"
TOPIC_TITLE = "Treatment-Resistant Depression: What Works When Antidepressants Fail"


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    summary: str
    published_at: datetime
    body_file: str
    # When the demo reviewer reviewed it, if they did.
    reviewed_at: datetime | None = None


ARTICLES = (
    DemoArticle(
        slug=(
            "monoamine-oxidase-inhibitors-what-you-need-to-know-about-side-effects"
            "-and-dietary-restrictions"
        ),
        title=(
            "Monoamine Oxidase Inhibitors: What You Need to Know About Side Effects "
            "and Dietary Restrictions"
        ),
        summary=(
            "MAOIs are powerful antidepressants for treatment-resistant depression, but they "
            "come with strict dietary rules and dangerous drug interactions. Learn what you "
            "need to know before considering them."
        ),
        published_at=datetime(2025, 11, 20, 9, 0, tzinfo=UTC),
        body_file="monoamine-oxidase-inhibitors.md",
        reviewed_at=datetime(2026, 11, 16, 10, 0, tzinfo=UTC),
    ),
    DemoArticle(
        slug="bupropion-vs-other-antidepressants-how-it-compares",
        title="Bupropion vs Other Antidepressants: How It Compares",
        summary=(
            "Bupropion works on dopamine and noradrenaline rather than serotonin, so it can "
            "help when an SSRI has not. How switching to it or adding it compares, and who "
            "should be careful."
        ),
        published_at=datetime(2025, 11, 12, 9, 0, tzinfo=UTC),
        body_file="bupropion-compared.md",
    ),
    DemoArticle(
        slug="lithium-interactions-what-can-raise-or-lower-your-levels",
        title="Lithium Interactions: What Can Raise or Lower Your Levels",
        summary=(
            "Lithium can make an antidepressant work, but common painkillers, blood pressure "
            "tablets, dehydration and salt all change its level. What to watch for, and the "
            "signs of toxicity."
        ),
        published_at=datetime(2025, 11, 5, 9, 0, tzinfo=UTC),
        body_file="lithium-interactions.md",
        # Reviewed once, just after it appeared: its next review (a year on) is overdue,
        # so the demo shows the reader's notice and the reviews dashboard.
        reviewed_at=datetime(2025, 11, 6, 10, 0, tzinfo=UTC),
    ),
    DemoArticle(
        slug="new-brain-targeted-therapies-for-treatment-resistant-depression",
        title="New Brain-Targeted Therapies for Treatment-Resistant Depression",
        summary=(
            "Esketamine, TMS, ECT and the treatments still in trials: how they work, what "
            "they involve and what to ask when medicines have not been enough."
        ),
        published_at=datetime(2025, 10, 29, 9, 0, tzinfo=UTC),
        body_file="brain-targeted-therapies.md",
    ),
)


def _text(name: str) -> str:
    return resources.files("blog").joinpath("demo_content", name).read_text(encoding="utf-8")


def load_demo_content() -> list[str]:
    """Create whatever part of the demo site is missing; return what was created.

    Anything already there is left exactly as it is, so running this twice
    changes nothing.
    """
    created: list[str] = []
    author = accounts.author_named(DEMO_AUTHOR)
    if author is None:
        # No password: the demo byline cannot be logged into.
        author = accounts.create_author(DEMO_AUTHOR, None, display_name="The editorial team")
        created.append(f"author {DEMO_AUTHOR}")

    topic = db.session.scalar(select(Topic).where(Topic.slug == TOPIC_SLUG))
    if topic is None:
        topic = topics.create_topic(
            TOPIC_SLUG,
            TOPIC_TITLE,
            _text("treatment-resistant-depression.md"),
            by=author,
            # The topic dates from its first guide, so its feed's dates are the guides'.
            now=min(demo.published_at for demo in ARTICLES),
            # Its readers may be in crisis: its pages and feed items show where to get help.
            is_mental_health=True,
        )
        created.append(f"topic {TOPIC_SLUG}")

    for demo in ARTICLES:
        if db.session.scalar(select(Article.id).where(Article.slug == demo.slug)) is not None:
            continue
        data = publishing.ArticleInput(
            title=demo.title,
            summary=demo.summary,
            body_markdown=_text(demo.body_file),
            topic_id=topic.id,
            slug=demo.slug,
        )
        publishing.save_article(None, data, by=author, publish=True, now=demo.published_at)
        created.append(f"article {demo.slug}")

    known = set(db.session.scalars(select(GlossaryTerm.slug)))
    for term in TERMS:
        if term.slug in known:
            continue
        glossary_editing.save_term(
            None,
            glossary_editing.GlossaryInput(
                term=term.term,
                synonyms="\n".join(term.synonyms),
                definition=term.definition,
                slug=term.slug,
            ),
            by=None,
        )
        created.append(f"glossary term {term.slug}")

    reviewer = accounts.author_named(DEMO_REVIEWER)
    if reviewer is None:
        # No password either: the demo reviewer cannot be logged into.
        reviewer = accounts.create_author(DEMO_REVIEWER, None)
        accounts.save_profile(reviewer, DEMO_REVIEWER_PROFILE, by=reviewer)
        reviewer.is_clinical_reviewer = True
        db.session.commit()
        created.append(f"reviewer {DEMO_REVIEWER}")
    for demo in ARTICLES:
        article = db.session.scalar(select(Article).where(Article.slug == demo.slug))
        if demo.reviewed_at is None or article is None or article.last_reviewed_at is not None:
            continue
        reviews.mark_reviewed(article, reviewer=reviewer, by=reviewer, now=demo.reviewed_at)
        created.append(f"review of {demo.slug}")
    return created
