"""The pages of the curriculum, one module per part: the catalogue and an assignment (catalogue),
editing and publishing (edit), video and captions (media), the PDFs (print)."""
