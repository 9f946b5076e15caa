"""Captions (WebVTT) made from an assignment's transcript, one cue per scene of the story."""

from typing import Any

SECONDS_PER_WORD = 0.45  # an unhurried reading pace for people who read with difficulty
MIN_CUE_SECONDS = 3.0


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def webvtt(story: list[dict[str, Any]]) -> str:
    lines = ["WEBVTT", ""]
    start = 0.0
    for number, scene in enumerate(story, start=1):
        text = " ".join(str(scene.get("text", "")).split())
        duration = max(MIN_CUE_SECONDS, SECONDS_PER_WORD * len(text.split()))
        # "-->" inside a cue would end it early; WebVTT has no escape for it.
        lines += [str(number), f"{_timestamp(start)} --> {_timestamp(start + duration)}", text.replace("-->", "->"), ""]
        start += duration
    return "\n".join(lines)
