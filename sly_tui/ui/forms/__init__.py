"""Action forms: one modal per write operation of the Task API."""
