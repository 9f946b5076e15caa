"""The curriculum as a person reads it, for other apps: content with their werkplekopleider's name
filled in (wording.py), and a question's options in the order this participant sees them."""

from .wording import fill_content, fill_trainer, shuffled_indices, trainer_first_name

__all__ = ["fill_content", "fill_trainer", "shuffled_indices", "trainer_first_name"]
