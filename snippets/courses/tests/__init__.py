"""The tests of courses: m2m_changed, the student counts, and cascading deletes."""
