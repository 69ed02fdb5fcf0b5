"""A presentation shown in more than one window: the presenter leads, audience windows follow."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

import streamlit as st


@dataclass
class Room:
    """A presentation shown in more than one window: the presenter's view leads, and every
    audience window opened from it follows its slide and case."""

    slide: int = 0
    case: str | None = None
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


@st.cache_resource(show_spinner=False)
def _rooms() -> dict[str, Room]:
    return {}


def room(name: str) -> Room:
    """The room a presenter and their audience windows share (kept for the server's life; a room
    holds two small values)."""
    rooms = _rooms()
    if name not in rooms and len(rooms) >= ROOMS:
        rooms.pop(next(iter(rooms)), None)  # the oldest presentation makes way
    return rooms.setdefault(name, Room())


ROOMS = 1000
