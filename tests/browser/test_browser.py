"""An editor fixes a refused file in a real browser (Playwright driving
Debian's Chromium against a real `ckan run` server: tests/browser/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Route
from support import call_action, submit

from ckan import model
from ckan.tests import factories

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
PASSWORD = "Editeur-Test-31"
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_text(encoding="utf-8")
HEADER, FIRST = VALID.splitlines()[:2]
INVALID = "\n".join([HEADER, FIRST.replace(",2400,", ',"2400,50",')]) + "\n"


def _upload(
    page: Page, url: str, dataset: str, body: str, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    page.goto(f"{url}/subventions/{dataset}/resource/new")
    page.set_input_files("input[name=upload]", str(path))
    page.fill("input[name=name]", "Subventions 2024")
    submit(page, page.locator("form#resource-edit button[name=save]").last)


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_editor_fixes_a_refused_file_and_publishes_it(server, page, tmp_path):
    roques = factories.Organization(
        name="roques", title="Roques", kind="commune", siren="213104581"
    )
    editor = factories.User(name="editeur-roques", password=PASSWORD)
    call_action(
        "organization_member_create",
        id=roques["id"],
        username=editor["name"],
        role="editor",
    )
    call_action(
        "package_create",
        type="subventions",
        name="subventions-roques",
        title="Subventions de Roques",
        notes="Subventions aux associations.",
        owner_org=roques["id"],
    )

    page.goto(f"{server}/user/login")
    page.fill("input[name=login]", editor["name"])
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("input[name=password]"), "Enter")

    _upload(
        page,
        server,
        "subventions-roques",
        INVALID,
        tmp_path,
        "subventions-a-corriger.csv",
    )
    page.screenshot(path=str(ARTIFACTS / "refused.png"), full_page=True)
    report = page.locator(".haute-garonne-form-report")
    assert report.is_visible()
    assert "montant" in report.inner_text()
    assert "Écrivez plutôt : 2400.50" in report.inner_text()
    assert "'type'" not in page.locator(".error-explanation").inner_text()
    assert call_action("package_show", id="subventions-roques")["resources"] == []

    _upload(page, server, "subventions-roques", VALID, tmp_path, "subventions.csv")
    page.goto(f"{server}/subventions/subventions-roques")
    page.screenshot(path=str(ARTIFACTS / "published.png"), full_page=True)
    badge = page.locator(".haute-garonne-validation-badge").first
    assert badge.inner_text().strip() == "Conforme à Subventions 2.1.1"


def _rgb(color: str) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _style(page: Page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(
        f"e => getComputedStyle(e).getPropertyValue('{prop}')"
    )


XSS = "red;}</style><script>alert(1)</script>"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_each_collectivite_renders_its_own_colours(server, page):
    looks = {"roques": ("#b3261e", "213104581"), "sicoval": ("#00843d", "243100633")}
    for name, (color, siren) in looks.items():
        org = factories.Organization(
            name=name, title=name.capitalize(), kind="commune", siren=siren,
            primary_color=color, tagline=f"Les données de {name}",
        )  # fmt: skip
        budget = call_action(
            "package_create", type="dataset", name=f"budget-{name}", title=f"Budget {name}",
            notes="Budget primitif.", owner_org=org["id"],
            frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        )  # fmt: skip
        call_action(
            "resource_create", package_id=budget["id"], name="Budget primitif",
            url="https://example.org/budget.pdf", format="PDF",
        )  # fmt: skip
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    for name, (color, _siren) in looks.items():
        resource = call_action("package_show", id=f"budget-{name}")["resources"][0]
        page.goto(f"{server}/dataset/budget-{name}/resource/{resource['id']}")
        # The current file in the side menu: white on CKAN's dark background,
        # whatever the collectivité's colours.
        current = ".nav-simple .nav-item.active > a"
        assert _style(page, current, "color") == "rgb(255, 255, 255)"
        for kind, path in (("organisation", f"/organization/{name}"),
                           ("dataset", f"/dataset/budget-{name}")):  # fmt: skip
            page.goto(server + path)
            page.screenshot(path=str(ARTIFACTS / f"theme-{name}-{kind}.png"))
            assert _style(page, ".hg-band", "background-color") == _rgb(color)
            assert _style(page, ".hg-band__title a", "color") == "rgb(255, 255, 255)"
            # A button of the page wears the collectivité's colour too.
            page.evaluate(
                "() => { const b = document.createElement('button');"
                " b.className = 'btn btn-primary hg-probe'; b.textContent = 'x';"
                " document.querySelector('.main').appendChild(b); }"
            )
            assert _style(page, ".hg-probe", "background-color") == _rgb(color)
    assert dialogs == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_xss_in_theme_fields_never_runs(server, page):
    org = factories.Organization(
        name="roques", title="Roques", kind="commune", siren="213104581"
    )
    admin = factories.User(name="admin-roques", password=PASSWORD)
    call_action(
        "organization_member_create", id=org["id"], username=admin["name"], role="admin"
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # Through the form: every field refused, with a French message.
    page.goto(f"{server}/user/login")
    page.fill("input[name=login]", admin["name"])
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("input[name=password]"), "Enter")
    page.goto(f"{server}/organization/edit/roques")
    for field in ("primary_color", "secondary_color", "tagline"):
        page.fill(f"[name={field}]", XSS)
    page.fill("[name=website]", "javascript:alert(1)")
    submit(page, page.locator("button[name=save]"))
    page.screenshot(path=str(ARTIFACTS / "theme-xss-refused.png"), full_page=True)
    errors = page.locator(".error-explanation").inner_text()
    assert "#rgb ou #rrggbb" in errors
    assert "http:// ou https://" in errors
    assert "primary_color" not in call_action("organization_show", id="roques")

    # Stored by another road than our validators: still inert.
    group = model.Group.get(org["id"])
    group.extras = {
        **group.extras,
        "primary_color": XSS,
        "secondary_color": XSS,
        "tagline": XSS,
        "banner_url": "javascript:alert(1)",
        "website": "javascript:alert(1)",
    }
    group.image_url = '"><img src=x onerror=alert(1)>'
    model.repo.commit()
    for path in ("/organization/roques", "/organization/about/roques", "/organization/",
                 "/organization/edit/roques"):  # fmt: skip
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        # CKAN's own scripts add no-op buttons (href="javascript:;") now
        # that they run under test; no other javascript: URL may appear.
        injected = (
            "[href^='javascript:']:not([href='javascript:;']):not(.select2-choice), "
            "[src^='javascript:']"
        )
        found = page.locator(injected).evaluate_all("es => es.map(e => e.outerHTML)")
        assert found == [], path
    page.goto(f"{server}/organization/roques")
    page.screenshot(path=str(ARTIFACTS / "theme-xss-stored.png"), full_page=True)
    assert _style(page, ".hg-band", "background-color") == _rgb("#005a8c")
    assert dialogs == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_colour_picker_previews_and_warns_before_saving(server, page):
    org = factories.Organization(
        name="roques", title="Roques", kind="commune", siren="213104581"
    )
    admin = factories.User(name="admin-roques", password=PASSWORD)
    call_action(
        "organization_member_create", id=org["id"], username=admin["name"], role="admin"
    )
    page.goto(f"{server}/user/login")
    page.fill("input[name=login]", admin["name"])
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("input[name=password]"), "Enter")
    # Pages ask for their JavaScript translations at ckan.site_url, which
    # test.ini sets to a host that does not resolve: send them here.
    site = "http://test.ckan.net"

    def here(route: Route) -> None:
        found = route.fetch(url=route.request.url.replace(site, server))
        headers = {**found.headers, "access-control-allow-origin": "*"}
        route.fulfill(response=found, headers=headers)

    page.route(f"{site}/**", here)
    page.goto(f"{server}/organization/edit/roques")
    page.wait_for_load_state("networkidle")
    # CKAN starts its JavaScript modules once the translations are loaded.
    page.wait_for_selector(".hg-color-preview[data-ready=true]")
    # Typing a colour moves the picker and repaints the preview.
    page.fill("input[name=primary_color]", "#ffd54f")
    picker = page.locator(".hg-color__picker").first
    assert picker.input_value() == "#ffd54f"
    assert _style(page, ".hg-color-preview__band", "background-color") == _rgb(
        "#ffd54f"
    )
    ratio = page.locator(".hg-color-preview__ratio").inner_text()
    assert "1,4:1" in ratio and "Trop claire" in ratio
    preview = page.locator(".hg-color-preview")
    preview.scroll_into_view_if_needed()
    preview.screenshot(path=str(ARTIFACTS / "colour-preview-light.png"))
    # Choosing with the picker fills the text field.
    picker.fill("#00843d")
    assert page.locator("input[name=primary_color]").input_value() == "#00843d"
    assert "Trop claire" not in page.locator(".hg-color-preview__ratio").inner_text()
    assert _style(page, ".hg-color-preview__link", "color") == _rgb("#00843d")
    preview.screenshot(path=str(ARTIFACTS / "colour-preview-ok.png"))
    # (Saving, and its refusal of a light colour: tests/test_forms_help.py.)
