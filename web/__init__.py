"""Site-wide machinery at the bottom of the layers: it imports no app (see DESIGN.md, "Layout")."""
