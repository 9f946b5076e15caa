"""Issue 18: the assignment's story plays like a short film on a 360 px phone, also without internet.

Headless Chromium has no voices, so the story runs on the timer, as on a phone without a Dutch voice;
data-story-speed makes that timer faster so the test takes seconds. The voice itself is checked with a
stand-in for the browser's speech engine (the only way to hear one here), in a test of its own.
"""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from wpo.curriculum.wording import fill_content
from wpo.demo.organization import create_demo_organization
from wpo.orgs.models import Person
from wpo.trajectories.models import ParticipantAssignment

from .conftest import OUTPUT, PHONE, axe_violations, screenshot
from .test_offline_journey import until, wait_until_kept
from .test_participant_journey import log_in

SEEN = """() => {
  window.seenScenes = [];
  const count = document.querySelector('[data-story-count]');
  new MutationObserver(() => {
    const n = document.querySelector('[data-story]').dataset.storyScene;
    if (n && window.seenScenes[window.seenScenes.length - 1] !== n) window.seenScenes.push(n);
  }).observe(count, { childList: true, characterData: true, subtree: true });
}"""


@pytest.fixture
def mohamed(transactional_db: None, settings: Any, tmp_path: Path) -> Person:
    settings.MEDIA_ROOT = tmp_path
    call_command("load_curriculum", verbosity=0)
    create_demo_organization()
    return Person.objects.get(user__username="mohamed")


def scene(page: Any) -> str:
    return str(page.get_attribute("[data-story]", "data-story-scene") or "")


def speed(page: Any, factor: int) -> None:
    page.evaluate(f"document.querySelector('[data-story]').dataset.storySpeed = '{factor}'")


def test_the_story_plays_scene_by_scene_pauses_replays_and_plays_offline(
    page: Any, live_server: Any, mohamed: Person
) -> None:
    pa = ParticipantAssignment.objects.get(trajectory__participant=mohamed)
    story = fill_content(pa.version.content, pa.trajectory.trainer.user.first_name)["video"]["story"]
    total = len(story)
    assert total >= 3
    log_in(page, live_server.url, mohamed)
    page.goto(f"{live_server.url}/deelnemer/opdracht/{pa.pk}/")
    assert not page.evaluate(
        "'speechSynthesis' in window && speechSynthesis.getVoices().some((v) => v.lang.startsWith('nl'))"
    )

    # Before playing: the story as pictures with text, and the button.
    play = page.get_by_role("button", name="Afspelen")
    assert play.is_visible()
    assert page.locator("ol.story .story-scene").count() == total
    screenshot(page, "verhaal-01-voor-afspelen")

    # Playing: one large picture with its text, "Scène 1 van N", the list gives way; focus on Pauze.
    page.evaluate(SEEN)
    play.click()
    page.wait_for_selector(".story-stage:not([hidden])")
    assert page.inner_text("[data-story-count]") == f"Scène 1 van {total}"
    assert page.inner_text("[data-story-text]") == story[0]["text"]
    assert page.get_attribute("[data-story-picture]", "src").endswith(f"/illustrations/{story[0]['picture']}.svg")
    assert page.get_attribute("[data-story-picture]", "alt") == story[0]["alt"]
    assert page.locator("ol.story").is_hidden() and play.is_hidden()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Pauze"
    assert page.get_attribute(".story-caption", "aria-live") == "polite"
    assert page.evaluate("document.querySelector('[data-story]').classList.contains('story-silent')")
    # Without a voice the text is shown large: well above the page's own text.
    sizes = page.evaluate(
        "[document.querySelector('.story-text'), document.body].map((e) => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes[0] >= 1.4 * sizes[1], sizes
    box = page.locator("[data-story-picture]").bounding_box()
    stage_width = page.evaluate("document.querySelector('.story-stage').clientWidth")
    assert box["width"] == stage_width and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    screenshot(page, "verhaal-02-speelt")
    page.screenshot(path=str(OUTPUT / "verhaal-02-speelt-scherm.png"))  # what the phone shows: 360×740

    # Faster, to the last scene, every scene in order.
    speed(page, 25)
    until(lambda: page.get_attribute("[data-story]", "data-story-state") == "done", 30)
    assert page.evaluate("window.seenScenes") == [str(n) for n in range(1, total + 1)]
    assert page.inner_text("[data-story-count]") == f"Scène {total} van {total}. Het verhaal is klaar."
    assert page.inner_text("[data-story-text]") == story[-1]["text"]
    assert page.get_by_role("button", name="Pauze").is_hidden()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Opnieuw"
    assert axe_violations(page) == []
    screenshot(page, "verhaal-03-klaar")

    # Opnieuw starts at scene 1; Pauze stops it moving on; Doorgaan goes on.
    speed(page, 1)
    page.get_by_role("button", name="Opnieuw").click()
    assert scene(page) == "1" and page.get_attribute("[data-story]", "data-story-state") == "playing"
    assert page.inner_text("[data-story-count]") == f"Scène 1 van {total}"
    page.get_by_role("button", name="Pauze").click()
    speed(page, 25)
    assert page.get_attribute("[data-story]", "data-story-state") == "paused"
    page.wait_for_timeout(1500)  # at this speed two or more scenes would have passed
    assert scene(page) == "1"
    assert axe_violations(page) == []
    screenshot(page, "verhaal-04-pauze")
    page.get_by_role("button", name="Doorgaan").click()
    until(lambda: scene(page) == "2", 5)

    # Stoppen: the pictures with text again, focus back on Afspelen.
    page.get_by_role("button", name="Stoppen").click()
    assert page.locator(".story-stage").is_hidden() and page.locator("ol.story").is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Afspelen"

    # Offline: the phone kept the page, story.js and the pictures; the story still plays.
    wait_until_kept(page, "/static/js/story.js")
    for item in story:
        wait_until_kept(page, f"/illustrations/{item['picture']}.svg")
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-story-ready]")
    speed(page, 25)
    page.get_by_role("button", name="Afspelen").click()
    until(lambda: page.get_attribute("[data-story]", "data-story-state") == "done", 30)
    assert page.evaluate("document.querySelector('[data-story-picture]').naturalWidth") > 0
    screenshot(page, "verhaal-05-offline")
    page.context.set_offline(False)

    # Back to the story from the first question (the screen is swapped in, not loaded): it plays too.
    page.reload()
    page.get_by_role("button", name="Afspelen").click()
    page.get_by_role("button", name="Begin met oefenen").click()
    page.wait_for_selector("text=Vraag 1 van")
    assert page.locator("[data-story]").count() == 0
    page.get_by_role("button", name="Terug naar het vorige scherm").click()
    page.wait_for_selector("[data-story-ready]")
    speed(page, 25)
    page.get_by_role("button", name="Afspelen").click()
    until(lambda: page.get_attribute("[data-story]", "data-story-state") == "done", 30)


def test_without_motion_the_pictures_do_not_fade_and_large_text_fits(
    page: Any, live_server: Any, mohamed: Person
) -> None:
    pa = ParticipantAssignment.objects.get(trajectory__participant=mohamed)
    fade = "getComputedStyle(document.querySelector('[data-story-picture]')).animationName"
    log_in(page, live_server.url, mohamed)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/deelnemer/opdracht/{pa.pk}/")
    page.get_by_role("button", name="Afspelen").click()
    assert page.evaluate(fade) == "none"
    page.emulate_media(reduced_motion="no-preference")
    page.get_by_role("button", name="Opnieuw").click()
    assert page.evaluate(fade) == "story-fade"

    # Bigger text and calm colours (no movement either): the player still fits the phone.
    mohamed.large_text = mohamed.calm_colours = True
    mohamed.save(update_fields=["large_text", "calm_colours"])
    page.reload()
    page.get_by_role("button", name="Afspelen").click()
    assert page.evaluate(fade) == "none"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    page.screenshot(path=str(OUTPUT / "verhaal-06-groot-rustig-scherm.png"))


# The browser's speech engine as a phone with a Dutch voice has it: it says each text in a short
# while and tells the page when it is done (headless Chromium has no voices at all).
DUTCH_VOICE = """() => {
  window.spoken = [];
  const voices = [{ name: 'Xander', lang: 'nl-NL', default: true, localService: true, voiceURI: 'Xander' }];
  let current = null;
  const engine = {
    speaking: false,
    getVoices: () => voices,
    addEventListener() {},
    speak(u) {
      window.spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name });
      current = u;
      this.speaking = true;
      setTimeout(() => { if (current === u) { current = null; this.speaking = false; u.onend && u.onend({}); } }, 300);
    },
    cancel() {
      const u = current;
      current = null;
      this.speaking = false;
      if (u && u.onerror) u.onerror({ error: 'interrupted' });
    },
  };
  Object.defineProperty(window, 'speechSynthesis', { value: engine, configurable: true });
  window.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; this.lang = ''; this.voice = null; }
  };
}"""


def test_with_a_dutch_voice_each_scene_is_read_aloud_and_the_next_follows_when_it_ends(
    page: Any, live_server: Any, mohamed: Person
) -> None:
    pa = ParticipantAssignment.objects.get(trajectory__participant=mohamed)
    story = fill_content(pa.version.content, pa.trajectory.trainer.user.first_name)["video"]["story"]
    log_in(page, live_server.url, mohamed)
    page.add_init_script(f"({DUTCH_VOICE})()")
    page.goto(f"{live_server.url}/deelnemer/opdracht/{pa.pk}/")
    page.get_by_role("button", name="Afspelen").click()
    until(lambda: page.get_attribute("[data-story]", "data-story-state") == "done", 20)
    spoken = page.evaluate("window.spoken")
    assert [s["text"] for s in spoken] == [s["text"] for s in story]
    assert {(s["lang"], s["voice"]) for s in spoken} == {("nl-NL", "Xander")}
    assert not page.evaluate("document.querySelector('[data-story]').classList.contains('story-silent')")
    # Pause stops the voice; Doorgaan reads the scene again from its start.
    page.get_by_role("button", name="Opnieuw").click()
    page.get_by_role("button", name="Pauze").click()
    page.wait_for_timeout(800)
    assert scene(page) == "1" and len(page.evaluate("window.spoken")) == len(story) + 1
    page.get_by_role("button", name="Doorgaan").click()
    until(lambda: scene(page) == "2", 5)
    assert [s["text"] for s in page.evaluate("window.spoken")][-3:] == [
        story[0]["text"],
        story[0]["text"],
        story[1]["text"],
    ]


def test_without_javascript_the_story_is_pictures_with_text(browser: Any, live_server: Any, mohamed: Person) -> None:
    pa = ParticipantAssignment.objects.get(trajectory__participant=mohamed)
    context = browser.new_context(viewport=PHONE, locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server.url, mohamed)
        page.goto(f"{live_server.url}/deelnemer/opdracht/{pa.pk}/")
        assert page.locator("ol.story .story-scene img").first.is_visible()
        assert not page.get_by_role("button", name="Afspelen").is_visible()
        assert page.locator(".story-stage").is_hidden()
    finally:
        context.close()
