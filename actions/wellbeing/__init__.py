"""The wellbeing questionnaire's parts that are not Rasa actions: the card, answers and suggestions."""
