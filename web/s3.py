"""S3-compatible object storage (FILE_STORAGE=s3), read through the site (see web/storage.py).

Imported only when the setting names it: boto3 takes a while to import.
"""

from botocore.config import Config
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage as BucketStorage

# A request waits for a bucket that does not answer a few seconds, not boto3's minute: a
# member uploading gets a 503 to retry, and /readyz answers in time.
PATIENCE = Config(connect_timeout=3, read_timeout=10, retries={"mode": "standard", "max_attempts": 2})


class S3Storage(BucketStorage):
    def __init__(self, **settings):
        super().__init__(**settings)
        self.client_config = self.client_config.merge(PATIENCE)

    def url(self, name, parameters=None, expire=None, http_method=None):
        """The file's address on the site (MEDIA_URL), never the bucket's: the bucket stays private."""
        return settings.MEDIA_URL + filepath_to_uri(name)
