"""Language-independent core of Opastin shared by the Rasa server (NLU components) and the action server."""
