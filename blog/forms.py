"""Web forms. Field checks that are business rules live in ``publishing``."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from .models import MAX_ID


def _without_control_characters(value: str | None) -> str | None:
    # A NUL byte in a query string is an error on PostgreSQL, not a failed login.
    return "".join(c for c in value if c.isprintable()).strip() if value else value


class LoginForm(FlaskForm):
    username = StringField(
        "Username",
        filters=[_without_control_characters],
        validators=[DataRequired("Enter your username."), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField("Log in")


def _topic_id(value: object) -> int | None:
    """Read the chosen topic; anything that is not a plausible id is no topic at all."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        return None
    return int(text)


class ArticleForm(FlaskForm):
    title = StringField("Title", render_kw={"autocomplete": "off"})
    summary = TextAreaField(
        "Summary", description="One or two sentences, up to 300 characters.", render_kw={"rows": 3}
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
