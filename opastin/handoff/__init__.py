"""Reaching a person: office hours, the live-chat queue, callback requests and the staff's accounts.

Shared by the action server (which puts a conversation in the queue or stores a callback) and the
Rasa server's channels (the web chat, which holds a conversation while an agent has it, and the
staff console).
"""
