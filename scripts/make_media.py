#!/usr/bin/env python3
"""Make the sample course's narrated media: audio (MP3 + transcript) and a slide video
(MP4 + WebVTT captions), from the narration text below, with espeak-ng and ffmpeg.

    apt-get install -y ffmpeg espeak-ng
    python3 scripts/make_media.py            # writes course_source/media/

The build never runs this script; its output is committed. Each sentence is spoken on its own,
so every caption cue starts and ends exactly when its sentence does. Output is small on purpose:
16 kHz mono speech at 24 kbit/s, and a 640x360 video of still slides at 2 frames a second.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

MEDIA = Path(__file__).resolve().parent.parent / "course_source" / "media"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
VOICE = ["-v", "en-gb", "-s", "150", "-g", "4"]
GAP = 0.35
"""Seconds of silence after each sentence."""

AUDIO = {
    "noticing-reactions": (
        "A guided pause: noticing your own reactions",
        "This is a short guided pause, to use before a session or at the end of a working day. "
        "If it feels comfortable, lower your gaze or close your eyes. "
        "Bring to mind one client you will see this week. "
        "Picture them arriving, and notice what happens in your body: any tightening, heaviness, "
        "warmth or restlessness. "
        "Notice any thought that comes with it, such as, I need to fix this, or, I hope they "
        "cancel. "
        "There is no need to judge what you find. "
        "Reactions like these are information. "
        "Some belong mainly to your own history, some may echo something the client brings, "
        "and most are a mixture of the two. "
        "Now ask yourself one question. "
        "What might this reaction lead me to do, or to avoid doing, in the session? "
        "Open your eyes, write one line about it, and take it to supervision if it stays with "
        "you.",
    ),
    "your-own-endings": (
        "Before you study endings: your own history of endings",
        "Before you read about endings with clients, take a few minutes to think about endings "
        "in your own life. "
        "Think of a relationship, a job or a place that you left, or that left you. "
        "Was the ending planned, or sudden? "
        "Did you have a chance to say what mattered, or was something left unsaid? "
        "Notice how you tend to manage endings now. "
        "Some of us leave early, to be the one who goes first. "
        "Some of us linger, and find it hard to name the last meeting. "
        "Some of us become very practical, and busy ourselves with arrangements. "
        "None of these is wrong, but each can shape how we end with clients, often without our "
        "noticing. "
        "As you work through this unit, keep your own pattern in mind, and ask whether it "
        "serves the client in front of you.",
    ),
}

VIDEO = (
    "repairing-a-rupture",
    "Repairing a withdrawal rupture: a worked example",
    [
        (
            "Repairing a withdrawal rupture",
            "A worked example in five steps\nDee and her therapist are fictional",
            "This short film walks through one way of repairing a withdrawal rupture. "
            "The client, Dee, and her therapist are fictional. "
            "For most of the session Dee has answered in single words. "
            "She has just said, it's fine, whatever you think.",
        ),
        (
            "1. Notice the marker",
            "Short answers, sudden agreement,\na change of subject",
            "A rupture often shows first as a small shift: shorter answers, sudden agreement, "
            "or a change of subject. "
            "The therapist hears, whatever you think, as a marker of withdrawal, not of "
            "agreement.",
        ),
        (
            "2. Name your own part",
            '"I wonder if I pushed in a direction\nthat doesn\'t fit for you."',
            "Rather than pressing on, the therapist speaks about what is happening between them, "
            "starting with their own part. "
            "I notice I've done most of the talking in the last few minutes, and I wonder if "
            "I've pushed in a direction that doesn't fit for you.",
        ),
        (
            "3. Invite, don't insist",
            "\"I'd rather know if something\nI said didn't sit right.\"",
            "Dee shrugs. "
            "The therapist does not press for an answer. "
            "You don't have to have an answer. "
            "I'd just rather know if something I said didn't sit right. "
            "After a pause, Dee says the homework idea felt like being told off.",
        ),
        (
            "4. Stay with her experience",
            "Acknowledge, without defending",
            "The therapist acknowledges this without defending the homework. "
            "That makes sense, and I'm glad you told me. "
            "In Safran and Muran's account, repair of a withdrawal rupture moves towards the "
            "client asserting what she needs.",
        ),
        (
            "5. Revisit the task together",
            "The disagreement becomes part of the work",
            "They agree that Dee will suggest any task between sessions herself. "
            "The rupture has become part of the work: Dee has disagreed with someone in "
            "authority, and the relationship has held.",
        ),
        (
            "Your turn",
            "Pause the film and write your own words",
            "Pause the film now. "
            "Think of a client whose agreement felt a little too easy. "
            "What might you say, in your own words, to open up what is happening between you?",
        ),
    ],
)


def sentences(text: str) -> list[str]:
    """Split narration into sentences (one caption cue each)."""
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


def speak(text: str, out: Path) -> float:
    """Speak ``text`` into a 16 kHz mono WAV followed by a short gap; return its length (s)."""
    raw = out.with_suffix(".raw.wav")
    run("espeak-ng", *VOICE, "-w", str(raw), text)
    run(
        "ffmpeg", "-y", "-i", str(raw), "-af", f"apad=pad_dur={GAP}", "-ar", "16000", "-ac", "1",
        str(out),
    )  # fmt: skip
    with wave.open(str(out)) as audio:
        return audio.getnframes() / audio.getframerate()


def join_wavs(parts: list[Path], out: Path) -> None:
    """Concatenate WAVs of the same format."""
    with wave.open(str(parts[0])) as first:
        params = first.getparams()
    with wave.open(str(out), "wb") as target:
        target.setparams(params)
        for part in parts:
            with wave.open(str(part)) as audio:
                target.writeframes(audio.readframes(audio.getnframes()))


def timestamp(seconds: float) -> str:
    """WebVTT time: HH:MM:SS.mmm."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


MAX_CUE = 84
"""Characters in one caption cue: two lines of 42, the usual broadcast limit."""


def chunks(sentence: str) -> list[str]:
    """Split a long sentence at commas, colons or semicolons into pieces of at most MAX_CUE."""
    if len(sentence) <= MAX_CUE:
        return [sentence]
    pieces = re.split(r"(?<=[,:;])\s+", sentence)
    out = [pieces[0]]
    for piece in pieces[1:]:
        if len(out[-1]) + 1 + len(piece) <= MAX_CUE:
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def two_lines(text: str) -> str:
    """Break a cue into two lines of similar length at the space nearest the middle."""
    if len(text) <= 42:
        return text
    middle = len(text) // 2
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


def narrate(text: str, work: Path, stem: str) -> tuple[Path, list[tuple[float, float, str]]]:
    """Speak every sentence; return the joined WAV and the (start, end, text) cues, a long
    sentence's time shared among its pieces by their length."""
    parts, cues, start = [], [], 0.0
    for i, sentence in enumerate(sentences(text)):
        part = work / f"{stem}-{i:02d}.wav"
        length = speak(sentence, part)
        pieces, at = chunks(sentence), start
        for piece in pieces:
            share = (length - GAP) * len(piece) / sum(len(x) for x in pieces)
            cues.append((at, at + share, two_lines(piece)))
            at += share
        parts.append(part)
        start += length
    joined = work / f"{stem}.wav"
    join_wavs(parts, joined)
    return joined, cues


def make_audio(stem: str, title: str, text: str, work: Path) -> None:
    joined, _ = narrate(text, work, stem)
    run(
        "ffmpeg", "-y", "-i", str(joined), "-codec:a", "libmp3lame", "-b:a", "24k",
        "-map_metadata", "-1", "-id3v2_version", "0", "-write_xing", "1", str(MEDIA / f"{stem}.mp3"),
    )  # fmt: skip
    said = sentences(text)
    paragraphs = "\n\n".join(" ".join(said[i : i + 4]) for i in range(0, len(said), 4))
    (MEDIA / f"{stem}-transcript.md").write_text(f"**{title}** (transcript)\n\n{paragraphs}\n")


def slide(title: str, subtitle: str, out: Path, work: Path) -> None:
    """Draw one 640x360 slide as a PNG."""
    (work / "title.txt").write_text(title)
    (work / "subtitle.txt").write_text(subtitle)
    draw = (
        f"drawtext=fontfile={FONT_BOLD}:textfile={work / 'title.txt'}:expansion=none:"
        "fontcolor=white:fontsize=34:x=(w-text_w)/2:y=120,"
        f"drawtext=fontfile={FONT}:textfile={work / 'subtitle.txt'}:expansion=none:"
        "fontcolor=0xdde8ee:fontsize=22:line_spacing=10:x=(w-text_w)/2:y=190,"
        "drawbox=x=60:y=95:w=520:h=3:color=0x8fb9c9:t=fill"
    )
    run(
        "ffmpeg", "-y", "-f", "lavfi", "-i", "color=c=0x1f3b4d:s=640x360:d=1", "-vf", draw,
        "-frames:v", "1", str(out),
    )  # fmt: skip


def make_video(stem: str, title: str, slides: list[tuple[str, str, str]], work: Path) -> None:
    cues: list[tuple[float, float, str]] = []
    wavs, concat, offset = [], [], 0.0
    for i, (heading, subtitle, text) in enumerate(slides):
        joined, slide_cues = narrate(text, work, f"{stem}-s{i}")
        with wave.open(str(joined)) as audio:
            length = audio.getnframes() / audio.getframerate()
        cues += [(offset + a, offset + b, s) for a, b, s in slide_cues]
        offset += length
        image = work / f"slide-{i}.png"
        slide(heading, subtitle, image, work)
        concat += [f"file '{image}'", f"duration {length:.3f}"]
        wavs.append(joined)
    concat.append(f"file '{work / f'slide-{len(slides) - 1}.png'}'")
    (work / "slides.txt").write_text("\n".join(concat) + "\n")
    narration = work / f"{stem}.wav"
    join_wavs(wavs, narration)
    run(
        "ffmpeg", "-y", "-f", "concat", "-safe", "0", "-i", str(work / "slides.txt"),
        "-i", str(narration), "-map", "0:v", "-map", "1:a", "-r", "2", "-c:v", "libx264",
        "-preset", "veryslow", "-tune", "stillimage", "-crf", "30", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "24k", "-ac", "1", "-ar", "16000", "-t", f"{offset:.3f}",
        "-map_metadata", "-1", "-movflags", "+faststart", str(MEDIA / f"{stem}.mp4"),
    )  # fmt: skip
    lines = [
        "WEBVTT",
        f"NOTE {title}. Captions made with the narration by scripts/make_media.py.",
        "",
    ]
    for n, (start, end, text) in enumerate(cues, 1):
        lines += [str(n), f"{timestamp(start)} --> {timestamp(end)}", text, ""]
    (MEDIA / f"{stem}.vtt").write_text("\n".join(lines))


def main() -> int:
    for tool in ("ffmpeg", "espeak-ng"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install -y ffmpeg espeak-ng", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for stem, (title, text) in AUDIO.items():
            make_audio(stem, title, text, work)
        make_video(*VIDEO, work)
    for path in sorted(MEDIA.iterdir()):
        print(f"{path.stat().st_size:>8}  {path.relative_to(MEDIA.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
