"""Small widgets and renderers shared by screens."""
