"""The ledger's reasons for ideas (planned, delivered): choices only, no change to the table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reputation', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reputationentry',
            name='reason',
            field=models.CharField(choices=[('reply_helpful', 'Your reply was marked helpful'), ('thread_helpful', 'Your thread was marked helpful'), ('answer_accepted', 'Your reply was accepted as the answer'), ('accepted_answer', 'You accepted an answer to your thread'), ('reply_endorsed', 'Staff endorsed your reply'), ('idea_planned', 'Your idea was planned'), ('idea_done', 'Your idea was delivered')], max_length=20),
        ),
    ]
