"""Web forms. Field checks that are business rules live in ``publishing`` and ``accounts``.

A form's fields are named as the author sees them (``body``, ``topic``); the
domain names them as its columns (``body_markdown``, ``topic_id``). The one
mapping between the two is ``ArticleForm.FIELD_OF``.
"""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from .accounts import normalise_username
from .models import Article
from .publishing import ArticleInput
from .rules import (
    MAX_PASSWORD_LENGTH,
    MAX_SUMMARY_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_USERNAME_LENGTH,
    whole_number,
)


def _username(value: str | None) -> str | None:
    return normalise_username(value) if value else value


class LoginForm(FlaskForm):
    username = StringField(
        "Username",
        filters=[_username],
        validators=[DataRequired("Enter your username."), Length(max=MAX_USERNAME_LENGTH)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField("Log in")


def _topic_id(value: object) -> int | None:
    """Read the chosen topic; anything that is not a plausible id is no topic at all."""
    return whole_number(str(value) if value is not None else None)


class ArticleForm(FlaskForm):
    title = StringField("Title", render_kw={"autocomplete": "off", "maxlength": MAX_TITLE_LENGTH})
    summary = TextAreaField(
        "Summary",
        description=f"One or two sentences, up to {MAX_SUMMARY_LENGTH} characters.",
        render_kw={"rows": 3},
    )
    body = TextAreaField("Body", description="Markdown.", render_kw={"rows": 20})
    topic = SelectField("Topic", coerce=_topic_id, validate_choice=False)
    slug = StringField(
        "Slug",
        description="The address of the article. Leave empty to make it from the title.",
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    publish = SubmitField("Publish")
    save_draft = SubmitField("Save draft")
    preview = SubmitField("Preview")

    # The form field that shows each ArticleInput field, where their names differ.
    FIELD_OF = {"body_markdown": "body", "topic_id": "topic"}

    def to_input(self) -> ArticleInput:
        """Return what the author typed, as the write side takes it."""
        return ArticleInput(
            title=self.title.data or "",
            summary=self.summary.data or "",
            body_markdown=self.body.data or "",
            topic_id=self.topic.data,
            slug=self.slug.data or "",
        )

    def fill_from(self, article: Article) -> None:
        """Put ``article``'s current text into the fields."""
        data = ArticleInput.of(article)
        self.title.data = data.title
        self.summary.data = data.summary
        self.body.data = data.body_markdown
        self.topic.data = data.topic_id
        self.slug.data = data.slug

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show each of the write side's problems beside the field it is about."""
        for name, message in problems.items():
            field = self._fields.get(self.FIELD_OF.get(name, name))
            if field is None:
                self.form_errors.append(message)
            else:
                field.errors = [message]
