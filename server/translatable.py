"""Messages for people, marked for translation where they are written, translated where they
are shown: `_l("At most %(most)s characters.", most=100)` is the English text itself (a `str`),
and also carries its message id and values, so the problem handler can say it in the request's
language (`server.i18n.say`). Free of Flask, so the domain and auth can mark what they say."""

from __future__ import annotations

from typing import Any, Protocol


class Catalog(Protocol):
    """What translates: `babel.support.Translations` (or `gettext.NullTranslations`)."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


class Text(str):
    """An English message that remembers its message id and values, to be translated later."""

    msgid: str
    plural: str | None
    params: dict[str, Any]

    def __new__(cls, msgid: str, plural: str | None = None, /, **params: Any) -> Text:
        """Make the English text of `msgid` (or of `plural` when `params["n"]` is not 1) with
        `params` put into its `%(name)s` places."""
        english = plural if plural is not None and params["n"] != 1 else msgid
        text = super().__new__(cls, english % params if params else english)
        text.msgid, text.plural, text.params = msgid, plural, params
        return text

    def format(self, *args: Any, **kwargs: Any) -> str:
        """Keep the marked text when there is nothing to put in (marshmallow formats each
        field message with its values, `{input}`; ours have none)."""
        if "{" not in self:
            return self
        return str.format(self, *args, **kwargs)

    def translated(self, catalog: Catalog) -> str:
        """Return the message in the language of `catalog` (its values translated too)."""
        if self.plural is not None:
            wording = catalog.ngettext(self.msgid, self.plural, self.params["n"])
        else:
            wording = catalog.gettext(self.msgid)
        if not self.params:
            return wording
        return wording % {name: in_language(value, catalog) for name, value in self.params.items()}


def _l(msgid: str, /, **params: Any) -> Text:
    """Mark a message for translation (`pybabel extract -k _l`); see `Text`."""
    return Text(msgid, **params)


def _nl(singular: str, plural: str, n: int, /, **params: Any) -> Text:
    """Mark a message that depends on the number `n` (`%(n)s` in it) for translation."""
    return Text(singular, plural, n=n, **params)


def in_language(value: Any, catalog: Catalog) -> Any:
    """Return `value` translated by `catalog` if it is a marked `Text`, else as it is."""
    return value.translated(catalog) if isinstance(value, Text) else value
