"""The forum's pages from the outside: forms, redirects, filters, empty states and structured data."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from forum import services
from forum.models import Post, PostRevision, Thread, Visibility
from tests.forum.parsed import parse_html
from web.markdown import render_markdown


def json_ld(response) -> dict:
    scripts = parse_html(response.content).find_all("script")
    (script,) = [s for s in scripts if s.get("type") == "application/ld+json"]
    return json.loads(script.text)


def textarea(response, name="body") -> str:
    (area,) = [e for e in parse_html(response.content).find_all("textarea") if e.get("name") == name]
    return area.text.removeprefix("\n")  # Django's Textarea writes a newline after the opening tag


def shift(thread, *, days_ago):
    """Move a thread back in time so that lists have a known order."""
    when = timezone.now() - timedelta(days=days_ago)
    Thread.objects.filter(pk=thread.pk).update(created_at=when, last_activity_at=when)


# Starting a thread -------------------------------------------------------------------------


def test_starting_a_thread_through_the_form_redirects_to_the_new_thread(member_client, discussion):
    response = member_client.post(
        "/t/new/",
        {
            "category": discussion.pk,
            "title": "The lamp flickers at night",
            "body": "It **flickers**.",
            "tags": "Lamps, night",
        },
    )

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/t/the-lamp-flickers-at-night/{thread.pk}/"
    assert sorted(thread.tags.names()) == ["lamps", "night"]
    page = member_client.get(response["Location"])
    assert page.status_code == 200
    assert "<strong>flickers</strong>" in page.content.decode()


def test_the_new_thread_form_preselects_the_category_from_the_address(member_client, discussion, questions):
    response = member_client.get("/t/new/?category=help")

    options = [o for o in parse_html(response.content).find_all("option") if o.parent.get("name") == "category"]
    (selected,) = [o for o in options if "selected" in dict(o.attrs)]
    assert selected.get("value") == str(questions.pk)


def test_the_preview_button_shows_the_rendered_markdown_and_saves_nothing(member_client, discussion):
    response = member_client.post(
        "/t/new/",
        {"category": discussion.pk, "title": "Preview me please", "body": "Some *emphasis* and `code`", "preview": "1"},
    )

    assert response.status_code == 200
    preview = parse_html(response.content).find("section", class_="preview")
    assert preview is not None
    assert [e.tag for e in preview.children[1].children] == ["p"]
    assert "<em>emphasis</em> and <code>code</code>" in response.content.decode()
    assert textarea(response) == "Some *emphasis* and `code`"
    assert Thread.objects.count() == 0 and Post.objects.count() == 0


FORM_ERRORS = {
    "a title of 4 characters": ({"title": "Four"}, "The title needs at least 5 characters."),
    "a title of 151 characters": ({"title": "t" * 151}, "The title can have at most 150 characters (it has 151)."),
    "an empty body": ({"body": ""}, "This field is required."),
    "a body of only spaces": ({"body": "  \n "}, "Write a message first."),
    "a body of 50,001 characters": (
        {"body": "b" * 50_001},
        "A message can have at most 50,000 characters (it has 50,001).",
    ),
    "6 tags": ({"tags": "a, b, c, d, e, f"}, "Use at most 5 tags."),
    "no category": ({"category": ""}, "This field is required."),
    "a control character in the title": ({"title": "Beep \x07 beep"}, "control characters"),
}


@pytest.mark.parametrize("error", FORM_ERRORS)
def test_form_errors_answer_400_with_the_message_and_save_nothing(error, member_client, discussion):
    changes, message = FORM_ERRORS[error]
    data = {"category": discussion.pk, "title": "A good title", "body": "A good body.", "tags": "", **changes}

    response = member_client.post("/t/new/", data)

    assert response.status_code == 400
    errors = " ".join(e.text for e in parse_html(response.content).find_all(class_="errorlist"))
    assert message in errors
    assert Thread.objects.count() == 0 and Post.objects.count() == 0


def test_a_nul_byte_in_the_body_is_a_form_error_not_a_crash(member_client, discussion):
    response = member_client.post("/t/new/", {"category": discussion.pk, "title": "A good title", "body": "a\x00b"})

    assert response.status_code == 400
    assert Thread.objects.count() == 0


# Replying and quoting ----------------------------------------------------------------------


@pytest.fixture
def thread(make_thread, questions, member, other_member):
    return make_thread(
        category=questions,
        author=member,
        title="How do I pair my lamp?",
        replies=[(other_member, "Hold the button.\n\nThen wait.")],
    )


def test_replying_through_the_form_redirects_to_the_new_post(client, thread, make_member):
    client.force_login(make_member("carla"))

    response = client.post(f"/t/{thread.slug}/{thread.pk}/reply/", {"body": "Works for me."})

    post = Post.objects.get(body="Works for me.")
    assert response.status_code == 302
    assert response["Location"] == f"/p/{post.pk}/"


def test_a_reply_preview_saves_nothing_and_an_empty_reply_is_a_400(client, thread, make_member):
    client.force_login(make_member("carla"))
    url = f"/t/{thread.slug}/{thread.pk}/reply/"

    preview = client.post(url, {"body": "~~gone~~", "preview": "1"})
    empty = client.post(url, {"body": "  "})

    assert preview.status_code == 200
    assert "<s>gone</s>" in preview.content.decode()
    assert empty.status_code == 400
    assert thread.posts.count() == 2


def test_reply_with_a_quote_prefills_an_attributed_quote_linking_to_the_post(client, thread, make_member):
    reply = thread.posts.get(is_opening=False)
    client.force_login(make_member("carla"))
    url = f"/t/{thread.slug}/{thread.pk}/reply/"

    body = textarea(client.get(f"{url}?quote={reply.pk}"))
    client.post(url, {"body": body + "Thanks!"})

    assert body == f"> @bruno [wrote](/p/{reply.pk}/):\n> Hold the button.\n>\n> Then wait.\n\n"
    quoting = thread.posts.get(body__endswith="Thanks!")
    page = parse_html(quoting.body_html)
    assert [a.get("href") for a in page.find_all("a")] == ["/u/bruno/", f"/p/{reply.pk}/"]
    assert page.find("blockquote") is not None


@pytest.mark.parametrize("quote", ["²", "99999999999999999999999", "-1", "abc", ""])
def test_a_malformed_quote_parameter_gives_an_empty_form_not_a_crash(member_client, thread, quote):
    response = member_client.get(f"/t/{thread.slug}/{thread.pk}/reply/?quote={quote}")

    assert response.status_code == 200
    assert textarea(response) == ""


def test_a_post_from_another_thread_or_a_hidden_post_is_not_quoted(
    member_client, thread, make_thread, discussion, other_member
):
    elsewhere = make_thread(category=discussion, author=other_member).posts.get()
    hidden = thread.posts.get(is_opening=False)
    Post.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    url = f"/t/{thread.slug}/{thread.pk}/reply/"

    assert textarea(member_client.get(f"{url}?quote={elsewhere.pk}")) == ""
    assert textarea(member_client.get(f"{url}?quote={hidden.pk}")) == ""


# Addresses ---------------------------------------------------------------------------------


@pytest.fixture
def long_thread(make_thread, discussion, member, other_member):
    """An opening post and 24 replies, one minute apart: 25 posts, 20 to a page."""
    thread = make_thread(category=discussion, author=member, title="A long conversation", tags=["long"])
    start = timezone.now() - timedelta(days=1)
    Post.objects.filter(thread=thread).update(created_at=start)
    Post.objects.bulk_create(
        Post(
            thread=thread,
            author=other_member,
            body=f"Reply {n}",
            body_html=f"<p>Reply {n}</p>",
            created_at=start + timedelta(minutes=n),
        )
        for n in range(1, 25)
    )
    return thread


def test_a_post_link_sends_the_reader_to_the_right_page_and_anchor(client, long_thread):
    posts = list(long_thread.posts.order_by("created_at", "id"))

    assert (
        client.get(f"/p/{posts[0].pk}/")["Location"] == f"/t/a-long-conversation/{long_thread.pk}/#post-{posts[0].pk}"
    )
    assert (
        client.get(f"/p/{posts[19].pk}/")["Location"] == f"/t/a-long-conversation/{long_thread.pk}/#post-{posts[19].pk}"
    )
    assert (
        client.get(f"/p/{posts[20].pk}/")["Location"]
        == f"/t/a-long-conversation/{long_thread.pk}/?page=2#post-{posts[20].pk}"
    )
    assert (
        client.get(f"/p/{posts[24].pk}/")["Location"]
        == f"/t/a-long-conversation/{long_thread.pk}/?page=2#post-{posts[24].pk}"
    )


def test_the_post_a_link_points_to_is_on_the_page_it_leads_to(client, long_thread):
    post = long_thread.posts.get(body="Reply 24")

    page = client.get(client.get(f"/p/{post.pk}/")["Location"])

    assert parse_html(page.content).find("article", class_="post") is not None
    assert f'id="post-{post.pk}"' in page.content.decode()


def test_a_wrong_slug_redirects_permanently_to_the_canonical_address(client, thread):
    response = client.get(f"/t/an-old-title/{thread.pk}/")

    assert response.status_code == 301
    assert response["Location"] == f"/t/how-do-i-pair-my-lamp/{thread.pk}/"


@pytest.mark.parametrize("page", ["abc", "999", "0", "-3", "1.5", "99999999999999999999999", ""])
def test_a_bad_page_number_never_crashes_a_list(client, long_thread, page):
    urls = ["/", "/c/general/", "/c/general/?filter=top", "/tags/long/", f"/t/a-long-conversation/{long_thread.pk}/"]

    statuses = {url: client.get(f"{url}{'&' if '?' in url else '?'}page={page}").status_code for url in urls}
    thread_page = client.get(f"/t/a-long-conversation/{long_thread.pk}/", {"page": page}).content.decode()

    assert statuses == dict.fromkeys(urls, 200)
    assert ("<p>Reply 1</p>" in thread_page) != ("<p>Reply 24</p>" in thread_page)  # the first page or the last


def test_page_999_of_a_thread_shows_its_last_page(client, long_thread):
    html = client.get(f"/t/a-long-conversation/{long_thread.pk}/?page=999").content.decode()

    assert "Reply 24" in html
    assert "Reply 18" not in html


# Category filters --------------------------------------------------------------------------


@pytest.fixture
def help_desk(make_thread, questions, member, other_member, staff_member, make_member):
    carla = make_member("carla")
    threads = {
        "Oldest unanswered question": make_thread(category=questions, author=member),
        "Answered by a member only": make_thread(category=questions, author=carla, replies=[(other_member, "Maybe.")]),
        "Answered by staff": make_thread(category=questions, author=member, replies=[(staff_member, "Officially.")]),
        "Solved by the community": make_thread(category=questions, author=carla, replies=[(other_member, "This.")]),
        "Started by staff, no reply": make_thread(category=questions, author=staff_member),
    }
    for title, thread in threads.items():
        Thread.objects.filter(pk=thread.pk).update(title=title)
    solved = threads["Solved by the community"]
    services.accept_answer(post=solved.posts.get(is_opening=False), by=carla)
    services.cast_vote(post=solved.posts.get(is_opening=True), voter=member)
    services.cast_vote(post=solved.posts.get(is_opening=True), voter=other_member)
    services.cast_vote(post=threads["Answered by a member only"].posts.get(is_opening=True), voter=member)
    for days_ago, thread in zip([5, 4, 3, 2, 1], threads.values(), strict=True):
        shift(thread, days_ago=days_ago)
    return threads


CATEGORY_FILTERS = {
    "latest": [
        "Started by staff, no reply",
        "Solved by the community",
        "Answered by staff",
        "Answered by a member only",
        "Oldest unanswered question",
    ],
    "unanswered": ["Started by staff, no reply", "Oldest unanswered question"],
    "solved": ["Solved by the community"],
    "awaiting": ["Oldest unanswered question", "Answered by a member only"],
    "top": [
        "Solved by the community",
        "Answered by a member only",
        "Started by staff, no reply",
        "Answered by staff",
        "Oldest unanswered question",
    ],
}


@pytest.mark.parametrize("filter", CATEGORY_FILTERS)
def test_each_category_filter_lists_the_right_threads_in_the_right_order(client, help_desk, filter):
    response = client.get("/c/help/", {"filter": filter})

    page = parse_html(response.content)
    assert page.thread_titles() == CATEGORY_FILTERS[filter]
    (current,) = [a for a in page.find_all("a", within="filters") if a.get("aria-current") == "page"]
    assert current.get("href") == f"?filter={filter}"


def test_the_askers_own_follow_up_or_a_hidden_reply_leaves_a_question_unanswered(
    client, make_thread, questions, member, other_member, moderator
):
    make_thread(category=questions, author=member, title="Bumped by its asker", replies=[(member, "Anyone?")])
    hidden = make_thread(category=questions, author=member, title="Only a hidden reply", replies=[(other_member, "Ad")])
    services.set_post_visibility(
        post=hidden.posts.get(is_opening=False), by=moderator, visibility=Visibility.HIDDEN, reason="spam"
    )
    answered = make_thread(category=questions, author=member, title="Answered by Bruno")
    services.post_reply(thread=answered, author=member, body="It blinks twice, then stops.")
    services.post_reply(thread=answered, author=other_member, body="Hold the button for five seconds.")

    titles = parse_html(client.get("/c/help/", {"filter": "unanswered"}).content).thread_titles()

    assert titles == ["Only a hidden reply", "Bumped by its asker"]


def test_a_pinned_thread_comes_first_in_latest(client, help_desk):
    Thread.objects.filter(pk=help_desk["Oldest unanswered question"].pk).update(is_pinned=True)

    titles = parse_html(client.get("/c/help/").content).thread_titles()

    assert titles[0] == "Oldest unanswered question"


@pytest.mark.parametrize("filter", ["awaiting", "nonsense"])
def test_a_filter_that_does_not_apply_falls_back_to_latest(client, make_thread, discussion, member, filter):
    make_thread(category=discussion, author=member, title="Just chatting here")

    page = parse_html(client.get("/c/general/", {"filter": filter}).content)

    assert page.thread_titles() == ["Just chatting here"]
    (current,) = [a for a in page.find_all("a", within="filters") if a.get("aria-current") == "page"]
    assert current.get("href") == "?filter=latest"


# Empty states ------------------------------------------------------------------------------


def test_home_without_categories_says_so(client, db):
    text = parse_html(client.get("/").content).text()

    assert "No categories yet." in text
    assert "Nobody has started a thread yet. Be the first!" in text


@pytest.mark.parametrize(
    ("filter", "message"),
    [
        ("latest", "No threads in this category yet."),
        ("unanswered", "Every thread here has a reply."),
        ("solved", "No solved questions yet."),
        ("awaiting", "No question is waiting for an official response."),
        ("top", "No threads in this category yet."),
    ],
)
def test_an_empty_category_filter_says_so(client, questions, filter, message):
    response = client.get("/c/help/", {"filter": filter})

    assert response.status_code == 200
    assert message in parse_html(response.content).text()


def test_a_thread_without_replies_invites_an_answer_or_a_reply(client, make_thread, questions, discussion, member):
    question = make_thread(category=questions, author=member, title="Nobody answered yet")
    talk = make_thread(category=discussion, author=member, title="Nobody replied yet")

    assert (
        "No answers yet. Do you know the answer?" in parse_html(client.get(question.get_absolute_url()).content).text()
    )
    assert "No replies yet." in parse_html(client.get(talk.get_absolute_url()).content).text()


def _main_text(response, slug) -> str:
    """The page's main content with the tag's name taken out, to compare two tags' pages."""
    return " ".join(parse_html(response.content).find("main").text.replace(slug, "TAG").split())


@pytest.mark.parametrize(
    "who, reads_staff_threads",
    [("visitor", False), ("member", False), ("suspended", False), ("staff", True), ("moderator", True)],
)
def test_a_tag_used_only_in_staff_only_threads_is_a_404_like_a_tag_never_used_for_those_who_cannot_read_them(
    client, make_member, make_thread, staff_category, discussion, staff_member, who, reads_staff_threads
):
    make_thread(category=staff_category, author=staff_member, title="Recall of the blue lamps", tags=["recall"])
    make_thread(category=discussion, author=staff_member, tags=["lamps"])
    reader = {
        "visitor": None,
        "member": make_member(),
        "suspended": make_member(suspended_until=timezone.now() + timedelta(days=3)),
        "staff": make_member(staff=True, title="Acme"),
        "moderator": make_member(moderator=True),
    }[who]
    if reader is not None:
        client.force_login(reader)

    secret = client.get("/tags/recall/")
    unknown = client.get("/tags/never-used/")

    assert unknown.status_code == 404
    assert "This tag does not exist." in parse_html(unknown.content).text()
    assert client.get("/tags/lamps/").status_code == 200
    if reads_staff_threads:
        assert secret.status_code == 200
        assert parse_html(secret.content).thread_titles() == ["Recall of the blue lamps"]
    else:
        assert secret.status_code == 404
        assert _main_text(secret, "recall") == _main_text(unknown, "never-used")
        assert "Recall of the blue lamps" not in secret.content.decode()


def test_a_tag_left_only_on_hidden_threads_is_a_404(client, make_thread, discussion, member):
    thread = make_thread(category=discussion, author=member, tags=["gone"])
    Thread.objects.filter(pk=thread.pk).update(visibility=Visibility.HIDDEN)

    assert client.get("/tags/gone/").status_code == 404


def test_the_history_of_a_post_never_edited_says_so(client, thread):
    response = client.get(f"/p/{thread.posts.get(is_opening=True).pk}/history/")

    assert "This post has never been edited." in parse_html(response.content).text()


# Editing and following ---------------------------------------------------------------------


def test_editing_through_the_form_saves_a_revision_shown_in_the_history(member_client, thread):
    opening = thread.posts.get(is_opening=True)
    url = f"/p/{opening.pk}/edit/"

    form = parse_html(member_client.get(url).content)
    response = member_client.post(
        url, {"title": "How do I pair my new lamp?", "body": "Edited question.", "tags": "lamps"}
    )
    history = parse_html(member_client.get(f"/p/{opening.pk}/history/").content)

    assert [i.get("value") for i in form.find_all("input") if i.get("name") == "title"] == ["How do I pair my lamp?"]
    assert response.status_code == 302
    assert response["Location"] == f"/p/{opening.pk}/"
    assert PostRevision.objects.count() == 1
    diff = [(span.classes, span.text.strip()) for span in history.find_all("span", within="diff")]
    assert ({"diff-del"}, "− What do you think?") in diff
    assert ({"diff-add"}, "+ Edited question.") in diff
    assert "How do I pair my lamp?" in history.find("del").text


def test_an_edit_preview_saves_nothing(member_client, thread):
    opening = thread.posts.get(is_opening=True)

    response = member_client.post(f"/p/{opening.pk}/edit/", {"title": thread.title, "body": "# Big", "preview": "1"})

    assert response.status_code == 200
    assert "<h1>Big</h1>" in response.content.decode()
    assert PostRevision.objects.count() == 0


def test_following_from_the_thread_page_shows_the_new_state(client, thread, make_member):
    client.force_login(make_member("carla"))

    response = client.post(f"/t/{thread.slug}/{thread.pk}/follow/", {"action": "follow"}, follow=True)

    assert "You follow this thread." in parse_html(response.content).text()


def test_the_reply_box_tells_a_visitor_a_suspended_member_and_everyone_on_a_locked_thread(
    client, thread, suspended_member
):
    url = thread.get_absolute_url()

    visitor = parse_html(client.get(url).content).text()
    client.force_login(suspended_member)
    suspended = parse_html(client.get(url).content).text()
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    locked = parse_html(client.get(url).content).text()

    assert "Log in to reply" in visitor
    assert "Your account is suspended" in suspended
    assert "This thread is locked" in locked


# Structured data ---------------------------------------------------------------------------


def test_a_question_with_an_accepted_answer_is_a_qa_page(client, thread, member, make_member):
    answer = thread.posts.get(is_opening=False)
    other = services.post_reply(thread=thread, author=make_member("carla"), body="Or unplug it.")
    services.accept_answer(post=answer, by=member)

    data = json_ld(client.get(thread.get_absolute_url()))

    assert data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert (question["@type"], question["name"], question["answerCount"]) == ("Question", "How do I pair my lamp?", 2)
    assert question["acceptedAnswer"]["@type"] == "Answer"
    assert question["acceptedAnswer"]["url"] == f"http://testserver/p/{answer.pk}/"
    assert question["acceptedAnswer"]["text"] == "Hold the button.\n\nThen wait."
    assert [a["url"] for a in question["suggestedAnswer"]] == [f"http://testserver/p/{other.pk}/"]


def test_a_discussion_thread_is_a_discussion_forum_posting_without_hidden_replies(
    client, make_thread, discussion, member, other_member
):
    talk = make_thread(
        category=discussion,
        author=member,
        title="Show your setup",
        replies=[(other_member, "Mine."), (other_member, "Spam.")],
    )
    Post.objects.filter(body="Spam.").update(visibility=Visibility.HIDDEN)

    data = json_ld(client.get(talk.get_absolute_url()))

    assert data["@type"] == "DiscussionForumPosting"
    assert data["headline"] == "Show your setup"
    assert [c["text"] for c in data["comment"]] == ["Mine."]


def test_a_reply_s_structured_data_follows_its_edits_votes_and_author(client, thread, member, make_member, settings):
    """Each reply's item is kept between pages (forum/structured_data.py): an edit, a vote or
    the author's new name shows on the next page, as it does in the HTML."""
    settings.PAGE_CACHE = False  # the page itself rendered each time: only the items are kept
    carla = make_member("carla")
    reply = services.post_reply(thread=thread, author=carla, body="Unplug it.")
    first = json_ld(client.get(thread.get_absolute_url()))["mainEntity"]["suggestedAnswer"]
    assert ("Unplug it.", 0) in [(a["text"], a["upvoteCount"]) for a in first]

    services.edit_post(post=reply, editor=carla, body="Unplug it for ten seconds.")
    services.cast_vote(post=Post.objects.get(pk=reply.pk), voter=member)
    carla.display_name = "Carla B."
    carla.save(update_fields=["display_name"])

    after = json_ld(client.get(thread.get_absolute_url()))["mainEntity"]["suggestedAnswer"]
    (item,) = [a for a in after if a["url"] == f"http://testserver/p/{reply.pk}/"]
    assert (item["text"], item["upvoteCount"], item["author"]["name"]) == ("Unplug it for ten seconds.", 1, "Carla B.")


def test_the_structured_data_follows_its_thread_the_accepted_answer_and_hidden_replies(
    client, thread, member, moderator, make_member, settings
):
    """The page's document is kept under all it shows (forum/structured_data.py): a new title,
    an accepted answer, a vote on it or a hidden reply shows on the next page."""
    settings.PAGE_CACHE = False  # the page itself rendered each time: only the document is kept
    answer = thread.posts.get(is_opening=False)
    first = json_ld(client.get(thread.get_absolute_url()))["mainEntity"]
    assert "acceptedAnswer" not in first and len(first["suggestedAnswer"]) == 1

    services.edit_post(post=thread.posts.get(is_opening=True), editor=member, body="Still blinking.", title="Blinks")
    services.accept_answer(post=answer, by=member)
    thread.refresh_from_db()  # its address follows its new title
    accepted = json_ld(client.get(thread.get_absolute_url()))["mainEntity"]
    services.cast_vote(post=Post.objects.get(pk=answer.pk), voter=make_member("carla"))
    voted = json_ld(client.get(thread.get_absolute_url()))["mainEntity"]
    services.set_post_visibility(post=answer, by=moderator, visibility=Visibility.HIDDEN)
    hidden = json_ld(client.get(thread.get_absolute_url()))["mainEntity"]

    assert (accepted["name"], accepted["text"]) == ("Blinks", "Still blinking.")
    assert accepted["acceptedAnswer"]["url"] == f"http://testserver/p/{answer.pk}/"
    assert "suggestedAnswer" not in accepted
    assert (accepted["acceptedAnswer"]["upvoteCount"], voted["acceptedAnswer"]["upvoteCount"]) == (0, 1)
    assert "acceptedAnswer" not in hidden and "suggestedAnswer" not in hidden


def test_a_title_cannot_break_out_of_the_json_ld_script(client, make_thread, questions, member):
    title = "</script><script>alert(1)</script> & <!-- friends"
    evil = make_thread(category=questions, author=member, title=title, body="</script><script>alert(2)</script>")

    response = client.get(evil.get_absolute_url())

    scripts = parse_html(response.content).find_all("script")
    inline = [s for s in scripts if not s.get("src")]
    assert [s.get("type") for s in inline] == ["application/ld+json"]
    assert all(s.get("src").startswith("/static/") and not s.text.strip() for s in scripts if s.get("src"))
    data = json.loads(inline[0].text)
    assert data["mainEntity"]["name"] == title
    assert data["mainEntity"]["text"] == "</script><script>alert(2)</script>"


def test_the_preview_endpoint_renders_like_saving_does(member_client, db):
    response = member_client.post("/preview/", {"body": "**x** <b>raw</b>"})

    assert response.status_code == 200
    assert response.content.decode() == render_markdown("**x** <b>raw</b>").html
    assert "<b>" not in response.content.decode()
