"""ReputationEntry and BadgeAward now belong to the reputation app (its 0001): only the state
changes here; the tables, their rows and their names stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0002_badgeaward_reputationentry"),
        ("reputation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="BadgeAward"),
                migrations.DeleteModel(name="ReputationEntry"),
            ],
            database_operations=[],
        ),
    ]
