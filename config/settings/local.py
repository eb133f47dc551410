from .base import *  # noqa: F403

DEBUG = True

# The embedded demo portrait (scikit-image's astronaut) is a 512 px photo with the eyes 43 px apart:
# the demo runs on it, production asks for sharper photos (base.HEADSHOT_MIN_EYE_PX).
HEADSHOT_MIN_EYE_PX = env_int("HEADSHOT_MIN_EYE_PX", 40)  # noqa: F405
