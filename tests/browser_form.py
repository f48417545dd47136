"""Submit an HTML form of a page as a browser without JavaScript would: the
fields it shows, with their current values, and the button clicked."""

from __future__ import annotations

import io
from typing import Any

from bs4 import BeautifulSoup, Tag

# Input types a browser never submits, or only when clicked.
_SKIPPED = {"submit", "button", "reset", "image"}


def _select_values(select: Tag) -> list[str]:
    options = select.find_all("option")
    chosen = [o for o in options if o.has_attr("selected")]
    if not chosen and options and not select.has_attr("multiple"):
        chosen = options[:1]
    return [o.get("value", o.get_text()) for o in chosen]


def _textarea_value(textarea: Tag) -> str:
    # Browsers drop one leading line break and send line breaks as CRLF.
    text = textarea.get_text()
    if text.startswith("\r\n"):
        text = text[2:]
    elif text.startswith("\n"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def form_fields(
    html: str, selector: str, button: str = "button.btn-primary"
) -> tuple[Tag, list[tuple[str, Any]]]:
    """The form matched by ``selector`` and the (name, value) pairs a browser
    sends when the submit button matched by ``button`` (a CSS selector within
    the form) is clicked. An empty file input is sent as an empty file."""
    page = BeautifulSoup(html, "html.parser")
    form = page.select_one(selector)
    assert form is not None, f"no form {selector!r} in the page"
    pairs: list[tuple[str, Any]] = []
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "select":
            pairs.extend((name, v) for v in _select_values(element))
        elif element.name == "textarea":
            pairs.append((name, _textarea_value(element)))
        else:
            kind = (element.get("type") or "text").lower()
            if kind in _SKIPPED:
                continue
            if kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    pairs.append((name, element.get("value", "on")))
            elif kind == "file":
                pairs.append((name, (io.BytesIO(b""), "")))
            else:
                pairs.append((name, element.get("value", "")))
    clicked = form.select_one(button)
    assert clicked is not None, f"no button {button!r} in the form"
    if clicked.get("name"):
        pairs.append((clicked["name"], clicked.get("value", "")))
    return form, pairs


def submit(
    app: Any,
    url: str,
    selector: str,
    headers: dict[str, str],
    button: str = "button.btn-primary",
) -> Any:
    """GET ``url``, then send its form back unchanged; the response."""
    page = app.get(url, headers=headers)
    assert page.status_code == 200, (url, page.status_code)
    form, pairs = form_fields(page.get_data(as_text=True), selector, button)
    action = form.get("action") or url
    multipart = form.get("enctype") == "multipart/form-data"
    from werkzeug.datastructures import MultiDict

    data = MultiDict(pairs)
    return app.post(
        action,
        data=data,
        headers=headers,
        content_type="multipart/form-data" if multipart else None,
        follow_redirects=False,
    )


def send(
    app: Any,
    html: str,
    url: str,
    selector: str,
    headers: dict[str, str],
    changes: dict[str, Any],
    button: str = "button.btn-primary",
) -> Any:
    """Send the form of the page ``html`` (a form just shown, or a refused
    form shown again) as a browser would after the user typed ``changes``
    (name -> value; a file as ``(stream, filename)``) into its fields; every
    changed field must be in the form. The response, not followed."""
    form, pairs = form_fields(html, selector, button)
    names = {name for name, _ in pairs}
    missing = set(changes) - names
    assert not missing, f"fields not in the form {selector!r}: {sorted(missing)}"
    done: set[str] = set()
    sent: list[tuple[str, Any]] = []
    for name, value in pairs:
        if name in changes:
            if name in done:
                continue  # a repeated name takes the one typed value
            done.add(name)
            value = changes[name]
        sent.append((name, value))
    from werkzeug.datastructures import MultiDict

    multipart = form.get("enctype") == "multipart/form-data"
    return app.post(
        form.get("action") or url,
        data=MultiDict(sent),
        headers=headers,
        content_type="multipart/form-data" if multipart else None,
        follow_redirects=False,
    )
