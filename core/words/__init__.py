"""Words: every plain-language sentence, generated from computed figures by tested code.

- `narrative`: findings by subject (`Finding`; the headline, the setting, failures, reasons, the
  overview, titles, since launch), each with its plain sentence, technical addendum and numbers;
- `glossary`: the one glossary behind every tooltip, and the jargon Plain mode avoids;
- `card`: the model card beside the computed facts, with the gaps named.

Other wings use: `narrative.{Finding, headline, tiles, describe_point, case_reasons, ...}`,
`glossary.{GLOSSARY, TERMS}` and `card.{facts, sections, missing_fields}`.
"""
