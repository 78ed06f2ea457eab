"""The web interface shell: sign-in, navigation, language switch and each role's home page."""
