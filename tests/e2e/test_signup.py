"""A visitor signs up, confirms their email (which signs them in, back where they started) and
switches to French.

Elements are found by role and label, as a screen reader would. Our own French
catalogue may not translate everything yet, so the proof of French rests on
the html lang attribute and allauth's own French; our strings are matched in
either language.
"""

import re
import secrets

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD

# Unique: the server (and its database) is shared by every browser test of the session.
USERNAME = f"camille{secrets.token_hex(3)}"
EMAIL = f"{USERNAME}@example.com"


def test_sign_up_confirm_and_switch_to_french(page, mailbox):
    page.goto("/badges/")
    page.get_by_role("link", name="Sign up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("sign up", re.I))
    page.get_by_label(re.compile(r"^Username")).fill(USERNAME)
    page.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\)")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^sign up$", re.I)).click()

    # The site says it sent a confirmation email, and it did.
    expect(page.get_by_role("status")).to_contain_text(f"Confirmation email sent to {EMAIL}")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("verify your email address", re.I))
    link = mailbox.link(to=EMAIL, contains="/accounts/confirm-email/")

    # The link points at this server (SITE_URL follows the port it serves on).
    assert link.startswith(f"{page.url.split('/accounts/')[0]}/accounts/confirm-email/")
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text(f"You have confirmed {EMAIL}")

    # Confirming signed the member in, back on the page where they clicked "Sign up": no second log-in.
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/badges/$"))
    expect(page.get_by_role("banner").get_by_text(USERNAME)).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The language switch in the footer.
    footer = page.get_by_role("contentinfo")
    footer.get_by_label("Language").select_option("fr")
    footer.get_by_role("button", name="Change language").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("combobox", name=re.compile("^(Language|Langue)$"))).to_have_value("fr")
    # "Log out" is in French: Django's catalogue says "Déconnexion" until ours says otherwise.
    page.get_by_role("banner").get_by_text(USERNAME).click()  # opens the member menu
    expect(page.get_by_role("button", name=re.compile("^(Déconnexion|Se déconnecter)$"))).to_be_visible()

    # allauth's own French: the email addresses page, reached from the member menu.
    page.get_by_role("link", name=re.compile(r"^(Email addresses|Adresses (e-mail|électroniques))$", re.I)).click()
    # (ACCOUNT_CHANGE_EMAIL: one address, so allauth's singular "Email Address" page.)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^\s*Adresses? e-mail\s*$"))
    expect(page.get_by_label("E-mail actuel")).to_have_value(EMAIL)
    expect(page.get_by_role("button", name="Changer d'e-mail")).to_be_visible()
