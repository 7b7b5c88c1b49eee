"""Instructor tools: build what students get, and grade what they hand in.

    masters      master banks (YAML) -> compiled banks; the master schema and key checks
    authoring    `pactlab assign` (exercises/ from solutions/) and `pactlab release`
    submissions  reading and checking submission files: data only, never code
    scoring      scoring submissions from the banks' keys
    results      grades.csv, grades.long.csv, grades.written.csv, grades.errors.csv
    report       item analysis and report.md with its charts
    answer_key   docs/answer_key.md from the master banks
    cli          the `pactlab` command: argument parsing, printing, exit codes
"""
