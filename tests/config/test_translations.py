"""The French catalogue: complete, well-formed, used by the pages, and in step with the source.

Three kinds of checks, all fast (no makemessages, no GNU gettext):

- the catalogue itself (locale/fr/LC_MESSAGES/django.po, read with polib):
  every entry translated, none fuzzy, the same placeholders and HTML tags as
  the English, French typography;
- real requests in French to the main pages: French text and <html lang="fr">;
- coverage: every string the templates and the Python code mark for
  translation is in the catalogue, found the way makemessages finds them
  (Django's own `templatize` for templates, the syntax tree for Python). A page
  added without its French fails here; `make messages` then adds its strings
  to the catalogue, to be translated.
"""

import ast
import io
import os
import re
import tokenize
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation.template import templatize

from forum import services
from forum.models import Category

ROOT = Path(settings.BASE_DIR)
PO_PATH = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
NBSP = "\u00a0"

# Python's %-formatting: %(name)s, %(count)d, %s, %d, and the literal %%.
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[#0+-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
HTML_TAG = re.compile(r"<[^>]+>")

# What makemessages leaves out (Makefile, `make messages`), with hidden folders (.venv, .git).
SKIPPED_DIRS = {"var", "bench", "tests", "test-results", "node_modules", "__pycache__", "locale", "static"}
GETTEXT_FUNCTIONS = {
    # name: (index of the context argument or None, index of the msgid, index of the plural or None)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


@pytest.fixture(autouse=True)
def _language_restored():
    """A request in French activates French in this thread: the tests that follow find the language they had."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO_PATH))


def entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def label(entry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def tags(text: str) -> list[str]:
    return sorted(HTML_TAG.findall(text))


def translations(entry) -> list[tuple[str, str]]:
    """(English, French) pairs to compare: msgid/msgstr, or msgid/msgstr[0] and msgid_plural/msgstr[n]."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = entry.msgstr_plural
    return [(entry.msgid, forms.get(0, ""))] + [(entry.msgid_plural, forms[n]) for n in sorted(forms) if n > 0]


# The catalogue --------------------------------------------------------------------------------------


def test_header_declares_french_and_its_plural_rule(catalogue):
    assert catalogue.metadata["Language"] == "fr"
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n>1);"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not catalogue.metadata_is_fuzzy


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    assert len(entries(catalogue)) > 500
    untranslated = [label(e) for e in catalogue.untranslated_entries()]
    fuzzy = [label(e) for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: " + "; ".join(untranslated)
    assert not fuzzy, f"{len(fuzzy)} fuzzy: " + "; ".join(fuzzy)


def test_plural_messages_have_both_french_forms(catalogue):
    incomplete = [
        label(e)
        for e in entries(catalogue)
        if e.msgid_plural and (set(e.msgstr_plural) != {0, 1} or not all(e.msgstr_plural.values()))
    ]
    assert not incomplete


def test_placeholders_match_the_english(catalogue):
    wrong = [
        f"{label(e)}: {placeholders(english)} ≠ {placeholders(french)} in {french!r}"
        for e in entries(catalogue)
        for english, french in translations(e)
        if placeholders(english) != placeholders(french)
    ]
    assert not wrong, "\n".join(wrong)


def test_html_tags_match_the_english(catalogue):
    wrong = [
        f"{label(e)}: {french!r}"
        for e in entries(catalogue)
        for english, french in translations(e)
        if tags(english) != tags(french)
    ]
    assert not wrong, "\n".join(wrong)


def test_french_typography(catalogue):
    """No-break space before : ; ? ! and inside « », the typographic apostrophe; placeholders and tags aside."""
    problems = []
    for entry in entries(catalogue):
        for _english, french in translations(entry):
            text = PLACEHOLDER.sub("X", HTML_TAG.sub("", french))
            text = re.sub(r"https?://|&\w+;", "", text)
            if re.search(r"[ \t][:;?!]", text):
                problems.append(f"plain space before : ; ? or ! in {french!r}")
            if re.search(r"[^\s\u00a0][:;?!]", text):
                problems.append(f"no space before : ; ? or ! in {french!r}")
            if re.search(r"«(?!\u00a0)|(?<!\u00a0)»", text):
                problems.append(f"« » without no-break spaces in {french!r}")
            if "'" in text:
                problems.append(f"straight apostrophe in {french!r}")
            if "“" in text or "”" in text:
                problems.append(f"English quotation marks in {french!r}")
    assert not problems, "\n".join(problems)


def test_compiled_catalogue_is_in_use():
    """The .mo built from the .po (tests/conftest.py compiles it) is what Django reads."""
    with translation.override("fr"):
        assert translation.gettext("Leaderboard") == "Classement"
        assert translation.ngettext("%(counter)s reply", "%(counter)s replies", 2) % {"counter": 2} == "2 réponses"
        assert translation.ngettext("%(counter)s reply", "%(counter)s replies", 0) % {"counter": 0} == "0 réponse"


# The pages, in French ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Members are made for each page test; hashing is not what these tests check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def forum_in_use(member, other_member, moderator):
    """A question with an answer, a discussion, and the notification the answer sent."""
    help_category = Category.objects.create(
        slug="aide", name="Aide", kind=Category.Kind.QUESTIONS, position=1, response_target_hours=24
    )
    Category.objects.create(slug="salon", name="Salon", position=2)
    thread = services.start_thread(
        category=help_category,
        author=member,
        title="Ma lampe clignote sans arrêt",
        body="Depuis la mise à jour, la lampe clignote.",
        tags=["firmware"],
    )
    services.post_reply(thread=thread, author=other_member, body="Débranchez-la dix secondes puis rebranchez-la.")
    thread.refresh_from_db()
    return thread


def french(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200, url
    page = response.content.decode()
    assert '<html lang="fr">' in page, url
    return page


def assert_french(page, *expected, absent=()):
    missing = [text for text in expected if text not in page]
    assert not missing, f"not on the page: {missing}"
    english = [text for text in absent if text in page]
    assert not english, f"still in English: {english}"


# Strings every page shows in the header and footer.
CHROME = ("Catégories", "Classement", "Rechercher dans le forum", "Changer de langue")
ENGLISH_CHROME = ("Skip to content", "Change language", ">Leaderboard<")


def test_home_page_in_french(client, forum_in_use):
    page = french(client, "/")
    assert_french(
        page,
        *CHROME,
        "Bienvenue sur",
        "Dernières discussions",
        "Questions-réponses",
        "1 discussion",
        "2 messages",
        "Lancée par",
        "Se connecter",
        absent=(*ENGLISH_CHROME, "Latest threads", "Welcome to"),
    )


def test_thread_page_in_french(client, forum_in_use):
    page = french(client, forum_in_use.get_absolute_url())
    assert_french(
        page,
        *CHROME,
        "1 réponse",
        "Participez à la discussion",
        "Connectez-vous pour répondre",
        "ou créez un compte",
        "Lien vers ce message",
        absent=(*ENGLISH_CHROME, "Join the conversation", "1 reply"),
    )


def test_thread_page_in_french_for_a_member(client, member, other_member, forum_in_use):
    client.force_login(member)
    page = french(client, forum_in_use.get_absolute_url())
    assert_french(
        page,
        "Votre réponse",
        "Publier la réponse",
        "Aperçu",
        "Accepter comme réponse",
        "Signaler",
        "Vous suivez cette discussion.",
        "Mettre en sourdine",
        absent=("Post reply", "Accept as answer"),
    )


def test_search_page_in_french(client, forum_in_use):
    from haystack import connections

    from search.queue import apply_all

    connections["default"].get_backend().rebuild([])
    apply_all()
    page = french(client, "/search/?q=lampe")
    assert_french(
        page,
        *CHROME,
        "Filtres et tri",
        "Toutes les catégories",
        "Pertinence",
        "1 résultat",
        "Ma lampe clignote sans arrêt",
        absent=(*ENGLISH_CHROME, "Filters and sorting", "1 result"),
    )
    empty = french(client, "/search/")
    assert_french(empty, "Tapez quelques mots", absent=("Type a few words",))


def test_profile_page_in_french(client, member, forum_in_use):
    page = french(client, f"/u/{member.username}/")
    assert_french(
        page,
        *CHROME,
        "Membre depuis le",
        "Réputation",
        "Résumé",
        "Activité",
        "Sections du profil",
        absent=(*ENGLISH_CHROME, "Member since", "Summary"),
    )


def test_leaderboard_and_badges_in_french(client, forum_in_use):
    page = french(client, "/leaderboard/")
    assert_french(
        page,
        *CHROME,
        "Meilleurs ambassadeurs",
        "Les membres qui aident les autres",
        "Depuis toujours",
        absent=(*ENGLISH_CHROME, "Top advocates", "All time"),
    )
    badges = french(client, "/badges/")
    assert_french(badges, "Première réponse", "Ambassadeurs", absent=("First answer",))


def test_notifications_page_in_french(client, member, forum_in_use):
    client.force_login(member)
    page = french(client, "/notifications/")
    assert_french(
        page,
        "Tout marquer comme lu",
        "Préférences",
        "Filtrer",
        "Tous les types",
        "Bruno Lefèvre a répondu à «\u00a0Ma lampe clignote sans arrêt\u00a0»",
        absent=(*ENGLISH_CHROME, "Mark all as read", "replied to"),
    )


def test_moderation_queue_in_french(client, moderator, forum_in_use):
    client.force_login(moderator)
    page = french(client, "/mod/")
    assert_french(
        page,
        "File de modération",
        "Journal d’audit",
        "Tous les motifs",
        "Rien à examiner. La communauté est calme.",
        absent=(*ENGLISH_CHROME, "Moderation queue", "Audit log"),
    )


def test_english_stays_english(client, forum_in_use):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Latest threads" in page
    assert "Dernières discussions" not in page


def test_the_language_cookie_chooses_french(client, forum_in_use):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/leaderboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in page
    assert "Meilleurs ambassadeurs" in page


def test_a_suspended_member_reads_french_dates(client, make_member, forum_in_use):
    suspended = make_member("sam", suspended_until=timezone.now() + timedelta(days=3))
    page = french(client, f"/u/{suspended.username}/")
    assert "Ce compte est suspendu jusqu’au" in page


# Coverage: the catalogue has every string the source marks -------------------------------------------


def source_files(suffixes):
    """The project's files with these suffixes, skipping what makemessages is told to ignore."""
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(names):
            if Path(name).suffix in suffixes:
                yield Path(folder) / name


def _literal(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _marked_in_calls(calls) -> set[tuple]:
    """(context, msgid, plural) for each call of a gettext function with literal arguments."""
    marked = set()
    for name, args in calls:
        context_at, msgid_at, plural_at = GETTEXT_FUNCTIONS[name]
        values = [_literal(arg) for arg in args]
        needed = [at for at in (context_at, msgid_at, plural_at) if at is not None]
        if len(values) <= max(needed) or any(values[at] is None for at in needed):
            continue
        marked.add(
            (
                values[context_at] if context_at is not None else None,
                values[msgid_at],
                values[plural_at] if plural_at is not None else None,
            )
        )
    return marked


def marked_in_python(path: Path) -> set[tuple]:
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in GETTEXT_FUNCTIONS:
                calls.append((name, node.args))
    return _marked_in_calls(calls)


def marked_in_template(path: Path) -> set[tuple]:
    """What makemessages extracts: Django's templatize turns the template into gettext calls, one per line."""
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    calls = []
    for line in code.splitlines():
        line = line.strip()
        if "gettext(" not in line and "_(" not in line:
            continue
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(line).readline) if t.type != tokenize.NEWLINE]
        for i, token in enumerate(tokens):
            if token.type == tokenize.NAME and token.string in GETTEXT_FUNCTIONS and tokens[i + 1].string == "(":
                args, depth, j = [], 1, i + 2
                while depth and j < len(tokens):
                    if tokens[j].string == "(":
                        depth += 1
                    elif tokens[j].string == ")":
                        depth -= 1
                    elif depth == 1 and tokens[j].type == tokenize.STRING:
                        args.append(ast.Constant(ast.literal_eval(tokens[j].string)))
                    elif depth == 1 and tokens[j].type == tokenize.NAME:
                        args.append(ast.Name(tokens[j].string))
                    j += 1
                calls.append((token.string, args))
    return _marked_in_calls(calls)


def in_catalogue(catalogue) -> dict[tuple, polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in entries(catalogue)}


def missing_from(catalogue, marked: dict[tuple, Path]) -> list[str]:
    known = in_catalogue(catalogue)
    missing = []
    for (context, msgid, plural), path in sorted(marked.items(), key=lambda item: str(item[1])):
        entry = known.get((context, msgid))
        where = path.relative_to(ROOT)
        if entry is None:
            missing.append(f"{where}: {msgid!r}" + (f" (context {context!r})" if context else ""))
        elif plural and entry.msgid_plural != plural:
            missing.append(f"{where}: {msgid!r} needs its plural {plural!r}")
        elif not entry.translated() or "fuzzy" in entry.flags:
            missing.append(f"{where}: {msgid!r} is not translated")
    return missing


def test_templates_are_covered_by_the_catalogue(catalogue):
    marked = {}
    templates = list(source_files({".html", ".txt"}))
    assert len(templates) > 40
    for path in templates:
        for message in marked_in_template(path):
            marked.setdefault(message, path)
    assert (None, "Skip to content", None) in marked
    missing = missing_from(catalogue, marked)
    assert not missing, "Run `make messages` and translate:\n" + "\n".join(missing)


def test_python_code_is_covered_by_the_catalogue(catalogue):
    marked = {}
    for path in source_files({".py"}):
        for message in marked_in_python(path):
            marked.setdefault(message, path)
    assert (None, "You are posting too fast. Please wait a moment and try again.", None) in marked
    missing = missing_from(catalogue, marked)
    assert not missing, "Run `make messages` and translate:\n" + "\n".join(missing)
