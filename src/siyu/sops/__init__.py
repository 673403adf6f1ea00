"""SOPs as files and stored versions: reading, checking, applying, drafts, the editor's form, views."""
