"""Medical review: who checked an article and when, what readers see, and the reviews dashboard."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from blog.extensions import db
from blog.models import Article, ArticleEvent, Author
from blog.reviews import OWN_ARTICLE, add_months, mark_reviewed
from blog.rules import InvalidInput
from tests.forms import csrf_token, submit
from tests.helpers import START, days


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def rosalind(make_reviewer):
    return make_reviewer("rosalind", name="Dr Rosalind Test", credentials="MBBS, MRCPsych")


@pytest.fixture
def editor(make_author):
    return make_author("grace", editor=True, name="Grace Editor")


def test_readers_see_who_reviewed_the_article_and_when_the_next_review_is_due(
    client, clock, publish, review, rosalind
):
    article = publish("Lithium levels")
    review(article.id, rosalind, when=START + days(1))
    page = client.get("/lithium-levels").get_data(as_text=True)
    assert (
        "Medically reviewed by Dr Rosalind Test, MBBS, MRCPsych · Last reviewed 2 November 2025 "
        "· Next review due 2 November 2026"
    ) in text_of(page)
    assert '<a href="/authors/rosalind">Dr Rosalind Test, MBBS, MRCPsych</a>' in page
    assert "due for its regular medical review" not in page
    assert "Not yet medically reviewed" not in page


def test_review_dates_are_days_in_the_sites_time_zone(client, clock, publish, review, rosalind):
    article = publish("Summer guide")
    # 23:30 UTC is already the next day in London's summer time.
    review(article.id, rosalind, when=datetime(2025, 6, 30, 23, 30, tzinfo=UTC))
    page = client.get("/summer-guide").get_data(as_text=True)
    assert '<time datetime="2025-07-01">1 July 2025</time>' in page
    assert '<time datetime="2026-07-01">1 July 2026</time>' in page


def test_an_article_never_reviewed_says_so_to_readers(client, clock, publish):
    publish("Unchecked guide")
    page = text_of(client.get("/unchecked-guide").get_data(as_text=True))
    assert "Not yet medically reviewed: no clinical reviewer has checked this page yet." in page
    assert "Medically reviewed by" not in page


def test_once_the_due_date_passes_the_cached_page_shows_the_calm_notice(
    client, clock, publish, review, rosalind
):
    article = publish("Due guide", when=datetime(2024, 9, 1, tzinfo=UTC))
    review(article.id, rosalind, when=datetime(2024, 9, 27, 9, 0, tzinfo=UTC))
    clock.now = datetime(2025, 9, 26, 12, 0, tzinfo=UTC)
    # An anonymous reader's page is cached, with nothing written until the due date.
    assert "due for its regular medical review" not in client.get("/due-guide").get_data(
        as_text=True
    )
    clock.now = datetime(2025, 9, 27, 12, 0, tzinfo=UTC)
    page = text_of(client.get("/due-guide").get_data(as_text=True))
    assert "This page is due for its regular medical review." in page
    assert "It was last checked on 27 September 2024." in page


def test_the_article_page_cache_lasts_no_longer_than_its_review(
    client, clock, publish, review, rosalind
):
    article = publish("Bounded guide")
    review(article.id, rosalind, when=START)
    first = client.get("/bounded-guide")
    clock.advance(days(364))
    assert client.get("/bounded-guide").get_data() == first.get_data(), "still cached"
    clock.advance(days(2))
    # A reader revalidating with the old date alone gets the new page, not a 304.
    revalidated = client.get(
        "/bounded-guide", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert revalidated.status_code == 200
    assert b"due for its regular medical review" in revalidated.get_data()


def test_a_topic_interval_overrides_the_twelve_months(
    app, client, clock, publish, review, rosalind
):
    from blog.models import Topic

    article = publish("Quick guide")
    with app.app_context():
        db.session.get_one(Topic, article.topic_id).review_interval_months = 6
        db.session.commit()
    reviewed = review(article.id, rosalind, when=START)
    # Six months on, at the same time of day in London (summer time by then).
    assert reviewed.next_review_due == datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def test_add_months_keeps_the_day_or_takes_the_months_last(app):
    with app.app_context():
        assert add_months(datetime(2025, 1, 31, 12, tzinfo=UTC), 1) == datetime(
            2025, 2, 28, 12, tzinfo=UTC
        )
        # Across the clocks going forward, the same wall-clock time in London.
        assert add_months(datetime(2025, 1, 15, 12, tzinfo=UTC), 6) == datetime(
            2025, 7, 15, 11, tzinfo=UTC
        )


def test_an_author_cannot_review_their_own_article(app, publish, make_reviewer, editor):
    writer = make_reviewer("writer", name="Dr Writer")
    article = publish("Own guide", author=writer)

    with app.app_context():
        stored = db.session.get_one(Article, article.id)
        with pytest.raises(InvalidInput) as refused:
            mark_reviewed(
                stored,
                reviewer=db.session.get_one(Author, writer.id),
                by=db.session.get_one(Author, editor.id),
            )
        assert refused.value.errors == {"reviewer_id": OWN_ARTICLE}
        assert db.session.get_one(Article, article.id).last_reviewed_at is None


def test_editor_recording_a_review_by_the_author_is_refused_with_a_clear_message(
    client, auth, clock, publish, make_reviewer, editor
):
    writer = make_reviewer("writer", name="Dr Writer")
    publish("Own guide", author=writer)
    auth.login("grace")
    response = submit(client, "/manage/reviews/own-guide", {"reviewer_id": str(writer.id)})
    assert response.status_code == 400
    assert "cannot be medically reviewed by its own author" in response.get_data(as_text=True)


def test_only_a_clinical_reviewer_can_be_recorded(
    client, auth, clock, publish, make_author, editor
):
    plain = make_author("plain", name="Plain Author")
    publish("Some guide")
    auth.login("grace")
    response = submit(client, "/manage/reviews/some-guide", {"reviewer_id": str(plain.id)})
    assert response.status_code == 400
    assert "Plain Author is not marked as a clinical reviewer" in response.get_data(as_text=True)


def test_an_editor_records_a_review_on_the_reviewers_behalf(
    app, client, auth, clock, publish, rosalind, editor
):
    publish("Some guide")
    auth.login("grace")
    page = client.get("/manage/reviews/some-guide").get_data(as_text=True)
    assert f'<option value="{rosalind.id}">Dr Rosalind Test, MBBS, MRCPsych</option>' in (
        page.replace(" selected", "")
    )
    response = client.post(
        "/manage/reviews/some-guide",
        data={"csrf_token": csrf_token(page), "reviewer_id": str(rosalind.id)},
    )
    assert response.headers["Location"] == "/manage/reviews"
    flashed = client.get("/manage/reviews").get_data(as_text=True)
    assert "Recorded that Dr Rosalind Test medically reviewed “Some guide”." in flashed
    assert "The next review is due 1 November 2026." in flashed
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert (article.reviewer_id, article.last_reviewed_at) == (rosalind.id, START)
        event = db.session.scalar(select(ArticleEvent).order_by(ArticleEvent.id.desc()))
        assert (event.action, event.by_id) == ("recorded a medical review", editor.id)


def test_a_reviewer_marks_an_article_reviewed_themself(app, client, auth, clock, publish, rosalind):
    publish("Some guide")
    auth.login("rosalind")
    response = submit(client, "/manage/reviews/some-guide", {"reviewer_id": str(rosalind.id)})
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalar(select(ArticleEvent).order_by(ArticleEvent.id.desc()))
        assert (event.action, event.by_id) == ("medically reviewed", rosalind.id)


def test_a_reviewer_cannot_record_someone_elses_review(
    client, auth, clock, publish, rosalind, make_reviewer
):
    other = make_reviewer("other", name="Dr Other")
    publish("Some guide")
    auth.login("rosalind")
    response = submit(client, "/manage/reviews/some-guide", {"reviewer_id": str(other.id)})
    assert response.status_code == 400
    assert "Only the reviewer, or an editor on their behalf" in response.get_data(as_text=True)


def test_marking_reviewed_needs_the_forms_csrf_token(client, auth, clock, publish, rosalind):
    publish("Some guide")
    auth.login("rosalind")
    response = client.post("/manage/reviews/some-guide", data={"reviewer_id": str(rosalind.id)})
    assert response.status_code == 400
    assert (
        "Some guide" not in client.get("/manage/reviews").get_data(as_text=True).split("Overdue")[0]
    )


def test_authors_who_are_not_reviewers_or_editors_cannot_open_the_reviews(client, auth, ada, clock):
    auth.login()
    assert client.get("/manage/reviews").status_code == 403
    auth.logout()
    assert client.get("/manage/reviews").headers["Location"].startswith("/login")


def test_an_edit_keeps_the_review_dates_and_shows_changed_since_review(
    app, client, auth, clock, publish, revise, review, rosalind, editor
):
    article = publish("Edited guide")
    reviewed = review(article.id, rosalind, when=START + days(1))
    edited = revise(article.id, body_markdown="New dose advice.", when=START + days(2))
    assert (edited.last_reviewed_at, edited.next_review_due) == (
        reviewed.last_reviewed_at,
        reviewed.next_review_due,
    )
    clock.now = START + days(3)
    auth.login("grace")
    assert "changed since its review" in client.get("/dashboard").get_data(as_text=True)
    # Reviewing it again clears the mark.
    review(article.id, rosalind, when=START + days(3))
    assert "changed since its review" not in client.get("/dashboard").get_data(as_text=True)


def test_the_reviews_dashboard_lists_overdue_and_soon_due_soonest_first_then_never_reviewed(
    client, auth, clock, publish, review, rosalind, editor
):
    later = publish("Due in three weeks")
    overdue = publish("Overdue guide")
    sooner = publish("Due in a week")
    publish("Far off guide")
    publish("Never checked")
    # Twelve months before: due 22 November, 27 October and 8 November 2025.
    review(later.id, rosalind, when=datetime(2024, 11, 22, 9, 0, tzinfo=UTC))
    review(overdue.id, rosalind, when=datetime(2024, 10, 27, 9, 0, tzinfo=UTC))
    review(sooner.id, rosalind, when=datetime(2024, 11, 8, 9, 0, tzinfo=UTC))
    far = publish("Far off")
    review(far.id, rosalind, when=START)
    auth.login("grace")
    page = text_of(client.get("/manage/reviews").get_data(as_text=True))
    overdue_part, rest = page.split("Due in the next 30 days")
    soon_part, never_part = rest.split("Not yet medically reviewed")
    assert "Overdue guide" in overdue_part and "Due in a week" not in overdue_part
    assert soon_part.index("Due in a week") < soon_part.index("Due in three weeks")
    assert "Far off" not in soon_part and "Far off" not in overdue_part
    assert "Never checked" in never_part and "Far off guide" in never_part
    assert "Overdue guide" not in never_part


def test_publishing_can_require_a_review_first(app, client, auth, clock, ada, make_topic, rosalind):
    topic = make_topic()
    app.config["REQUIRE_REVIEW_BEFORE_PUBLISHING"] = True
    auth.login()
    form = {
        "title": "Careful guide",
        "summary": "",
        "body": "Text I typed with care.",
        "topic": str(topic.id),
        "slug": "",
    }
    refused = submit(client, "/write", {**form, "publish": "Publish"}, page_url="/write")
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "This site publishes only medically reviewed articles" in page
    assert "Text I typed with care." in page, "nothing typed is lost"
    saved = submit(client, "/write", {**form, "save_draft": "Save draft"})
    assert saved.status_code == 302
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert article.status == "draft"
    auth.logout()
    auth.login("rosalind")
    submit(client, "/manage/reviews/careful-guide", {"reviewer_id": str(rosalind.id)})
    auth.logout()
    auth.login()
    published = submit(
        client, "/careful-guide/edit", {**form, "slug": "careful-guide", "publish": "Publish"}
    )
    assert published.headers["Location"] == "/careful-guide"


def test_review_requirement_is_off_by_default(app):
    assert app.config["REQUIRE_REVIEW_BEFORE_PUBLISHING"] is False


def test_an_editor_sets_a_topics_review_interval_which_moves_due_dates(
    app, client, auth, clock, publish, review, rosalind, editor
):
    article = publish("Interval guide")
    review(article.id, rosalind, when=START)
    auth.login("grace")
    url = "/manage/topics/treatment-resistant-depression/edit"
    form = {
        "title": "Treatment Resistant Depression",
        "slug": "treatment-resistant-depression",
        "description": "",
        "intro": "About *this*.",
    }
    bad = submit(client, url, {**form, "review_interval_months": "0"})
    assert bad.status_code == 400
    assert "Enter a number of months from 1 to 60" in bad.get_data(as_text=True)
    assert submit(client, url, {**form, "review_interval_months": "3"}).status_code == 302
    assert 'value="3"' in client.get(url).get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Article, article.id).next_review_due == datetime(
            2026, 2, 1, 9, 0, tzinfo=UTC
        )
    assert "Next review due 1 February 2026" in text_of(
        client.get("/interval-guide").get_data(as_text=True)
    )
