"""The pages of the curriculum, one module per part: the catalogue and an assignment (catalogue),
editing and publishing (edit), the national editions and their draft (editions), an organisation's
own example beside an assignment (local_examples), video and captions (media), the PDFs (print)."""
