"""The wellbeing questionnaire\x27s parts that are not Rasa actions: the card, answers, suggestions."""
