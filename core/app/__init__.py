"""The app: the only Streamlit code in core, between the pages and the wings below.

- `session`: the shared caches, Home's catalogue, the sidebar, the setting in the link, comparisons, rooms;
- `ui`: pieces several pages draw (problem messages, figure tiles, bundle cards, charts, sign-off);
- `links`: view settings read from and written to the page address, checked;
- `jobs`: background work (explanations, Home's cards) with progress;
- `viewer`: whether sign-in is on and who is signed in.

Pages use `session`, `ui` and `links`; nothing in core imports this wing.
"""
