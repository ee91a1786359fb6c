"""ReputationEntry and BadgeAward moved here from profiles (issue 22), tables and rows untouched.

profiles.0002 created the tables; this migration only adds the models to this app's state
(profiles.0003 removes them from profiles'), and hands their content types (so admin
permissions and log entries) over to this app. On a fresh database the tables are still
created once, by profiles.0002, which runs first.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("reputationentry", "badgeaward")


def hand_over_content_types(apps, schema_editor, *, source="profiles", target="reputation"):
    """Renamed rather than recreated, so permissions granted on them follow the models. A type
    the target app already has (after a partial rollback) is left to remove_stale_contenttypes."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    taken = list(types.filter(app_label=target, model__in=MODELS).values_list("model", flat=True))
    types.filter(app_label=source, model__in=MODELS).exclude(model__in=taken).update(app_label=target)


def hand_back_content_types(apps, schema_editor):
    hand_over_content_types(apps, schema_editor, source="reputation", target="profiles")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('forum', '0001_initial'),
        ('profiles', '0002_badgeaward_reputationentry'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BadgeAward',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('badge', models.CharField(db_index=True, max_length=40)),
                        ('awarded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='badge_awards', to=settings.AUTH_USER_MODEL)),
                        ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='forum.post')),
                    ],
                    options={
                        'db_table': 'profiles_badgeaward',
                        'ordering': ['-awarded_at', '-id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('post__isnull', True)), fields=('member', 'badge'), name='badge_once_per_member'), models.UniqueConstraint(condition=models.Q(('post__isnull', False)), fields=('member', 'badge', 'post'), name='badge_once_per_post')],
                    },
                ),
                migrations.CreateModel(
                    name='ReputationEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('reply_helpful', 'Your reply was marked helpful'), ('thread_helpful', 'Your thread was marked helpful'), ('answer_accepted', 'Your reply was accepted as the answer'), ('accepted_answer', 'You accepted an answer to your thread'), ('reply_endorsed', 'Staff endorsed your reply')], max_length=20)),
                        ('amount', models.IntegerField()),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='forum.category')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reputation_entries', to=settings.AUTH_USER_MODEL)),
                        ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='forum.post')),
                        ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reversed_by', to='reputation.reputationentry')),
                    ],
                    options={
                        'db_table': 'profiles_reputationentry',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['member', '-created_at'], name='reputation_member_recent'), models.Index(fields=['created_at', 'member'], name='reputation_period')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(hand_over_content_types, hand_back_content_types),
    ]
