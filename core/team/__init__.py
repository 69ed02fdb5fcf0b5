"""The team: who may see which model, and who signed what.

- `access`: the `access:` rules of a bundle applied to a viewer (`Viewer`, `allows`, `NO_ACCESS`);
- `decisions`: the append-only decision log on SQLite or PostgreSQL (`record`, `history`, `VERDICTS`).

Reading who is signed in from Streamlit lives in `core.app.viewer`.
"""
