from django.db import models


class VoiceSample(models.Model):
    member = models.ForeignKey("teams.Membership", on_delete=models.CASCADE)

    def __str__(self) -> str:
        return f"voice sample {self.pk}"


class VoiceTranscript(models.Model):
    """Points at a member only through VoiceSample: the check follows the chain."""

    sample = models.ForeignKey(VoiceSample, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return f"transcript {self.pk}"
