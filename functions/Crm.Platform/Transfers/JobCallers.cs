using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Domain.Transfers;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Transfers;

/// <summary>
/// The caller a background job acts as: its creator with their access as it is now (or the API key's), so a
/// user disabled or a key revoked since the job was queued stops it instead of acting on old rights.
/// </summary>
public sealed class JobCallers(AccessDirectory access, RecordStore<ApiKey> keys, TimeProvider clock)
{
    public async Task<Caller> ForAsync(string tenantId, TransferJob job, CancellationToken cancellationToken)
    {
        var user = await access.UserAsync(tenantId, job.CreatedBy, cancellationToken);
        if (user is null || user.Status != UserStatus.Active)
        {
            throw new ForbiddenException("job.creator_disabled", "The user who started this job is disabled or no longer exists.");
        }
        AccessProfile profile;
        if (job.ApiKeyId is { } keyId)
        {
            var key = await keys.FindAsync(tenantId, keyId, cancellationToken);
            if (key is null || key.RevokedAt is not null || key.IsExpired(clock.GetUtcNow()))
            {
                throw new ForbiddenException("job.key_revoked", "The API key that started this job is revoked or expired.");
            }
            profile = key.Profile();
        }
        else
        {
            profile = await access.ProfileAsync(tenantId, user, cancellationToken);
        }
        return new Caller(tenantId, user.Id, profile, job.SourceIp, job.ApiKeyId);
    }
}
