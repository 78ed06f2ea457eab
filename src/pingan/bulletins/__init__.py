"""The quarterly bulletin (通报) as an official document."""
