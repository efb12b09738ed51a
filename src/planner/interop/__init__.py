"""Other systems' formats: the competency framework as Moodle tool_lpimportcsv CSV."""
