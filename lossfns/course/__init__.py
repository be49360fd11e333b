"""The course material built on the library: quizzes and their bank, auto-checked exercises,
the instructor tools (student edition, answer key), the glossary, the plotting style, the
lessons' small data sets, the book's language and its build information.

Nothing here is needed to use the losses; it needs the extras ``lossfns[course]``.
"""
