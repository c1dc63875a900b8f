"""The demo site loads from one command, and loading it twice changes nothing."""

import re
from pathlib import Path

from sqlalchemy import func, select

from blog.demo import ARTICLES, DEMO_REVIEWER, TOPIC_SLUG
from blog.extensions import db
from blog.models import Article, ArticleRevision, Author, Topic, TopicRevision


def snapshot(app) -> list:
    with app.app_context():
        rows = []
        for model in (Author, Topic, Article, ArticleRevision, TopicRevision):
            rows.append(db.session.scalar(select(func.count()).select_from(model)))
        article = db.session.scalar(select(Article).order_by(Article.id))
        topic = db.session.scalar(select(Topic))
        rows += [article.updated_at, article.body_html, topic.intro_html, topic.feed_changed_at]
        return rows


def test_seed_demo_creates_the_topic_and_the_maoi_guide(runner, app, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert f"Created topic {TOPIC_SLUG}." in result.output
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == ARTICLES[0].slug))
        assert article.state_at(ARTICLES[0].published_at) == "published"
        assert article.published_at == ARTICLES[0].published_at
        assert article.author.password_hash == "!", "the demo byline cannot be logged into"
    assert client.get(f"/{ARTICLES[0].slug}").status_code == 200


def test_running_the_demo_loader_twice_leaves_the_same_rows(runner, app):
    runner.invoke(args=["seed-demo"])
    before = snapshot(app)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert snapshot(app) == before
    # The editorial byline and the demo reviewer.
    assert before[:5] == [2, 1, len(ARTICLES), len(ARTICLES), 1]


def test_the_demo_shows_a_reviewed_guide_and_one_overdue_for_review(runner, app, client):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        reviewer = db.session.scalar(select(Author).where(Author.username == DEMO_REVIEWER))
        assert reviewer.is_clinical_reviewer and reviewer.password_hash == "!"
        assert "not a real person" in reviewer.bio_html
    maoi = client.get(f"/{ARTICLES[0].slug}").get_data(as_text=True)
    assert "Medically reviewed by" in maoi
    assert "Dr Demo Reviewer, MBBS, MRCPsych" in maoi
    assert 'Last reviewed <time datetime="2026-11-16">16 November 2026</time>' in maoi
    lithium = next(demo for demo in ARTICLES if demo.slug.startswith("lithium"))
    overdue = client.get(f"/{lithium.slug}").get_data(as_text=True)
    # Reviewed on 6 November 2025; due a year later, which has passed.
    assert "due for its regular medical review" in overdue
    assert "last checked on 6 November 2025" in overdue
    never = client.get(f"/{ARTICLES[1].slug}").get_data(as_text=True)
    assert "Not yet medically reviewed" in never
    profile = client.get(f"/authors/{DEMO_REVIEWER}").get_data(as_text=True)
    assert "Guides medically reviewed by Dr Demo Reviewer" in profile
    assert ARTICLES[0].title in profile and lithium.title in profile


def test_the_demo_guides_cite_only_identifiers_from_the_checked_research_notes():
    """Every DOI and PubMed id in the demo guides was checked (docs/research/…); none invented."""
    demo = Path(__file__).parent.parent / "blog" / "demo_content"
    notes = (
        Path(__file__).parent.parent / "docs" / "research" / "references-for-demo-guides.md"
    ).read_text(encoding="utf-8")
    cited = set()
    for guide in demo.glob("*.md"):
        text = guide.read_text(encoding="utf-8")
        cited |= set(re.findall(r"doi:(10\.[0-9]{4,9}/\S+?)[.,]?(?:\s|$)", text))
        cited |= set(re.findall(r"PMID: ([0-9]+)", text))
    assert len(cited) >= 10
    assert {identifier for identifier in cited if identifier not in notes} == set()


def test_the_demo_maoi_guide_has_references_and_its_topic_the_crisis_notice(runner, client):
    runner.invoke(args=["seed-demo"])
    page = client.get(f"/{ARTICLES[0].slug}").get_data(as_text=True)
    references = page.split('<section class="footnotes">')[1]
    assert "<h2>References</h2>" in references
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/15784664/"' in references
    assert '<a href="https://doi.org/10.1007/s40263-021-00832-x"' in references
    assert "If you need help now" in page and "116 123" in page
    lithium = client.get(f"/{ARTICLES[2].slug}").get_data(as_text=True)
    assert '<a href="https://doi.org/10.1016/j.jad.2014.05.053"' in lithium
    assert "If you need help now" in client.get(f"/topics/{TOPIC_SLUG}").get_data(as_text=True)
