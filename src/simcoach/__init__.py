"""simcoach: practise hard customer conversations, scored per turn for empathy."""

__version__ = "0.1.0"
