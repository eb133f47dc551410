"""core holds no tables: the shared pieces are code (errors, audit recorder, media)."""
