"""Learner documents: the CV and letter model, one layout, PDF/DOCX/HTML renderers, read-back and export."""
