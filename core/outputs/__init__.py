"""Outputs: what the pages, the report and the deck show, assembled from figures and words.

- `story`: every finding for a bundle at a setting in one list, the best-value chart and a case's view;
- `charts`: Altair charts from tidy frames, each titled with its finding;
- `report`: the self-contained HTML and PDF report, chart PNG and SVG;
- `deck`: the review deck as data, written as PowerPoint and PDF;
- `slide_html`: a slide as the Present page shows it.

Other wings use: `story.findings`, `charts.*`, `report.{build, to_html, to_pdf}` and
`deck.{names, slide, pptx_bytes, pdf_bytes}`.
"""
