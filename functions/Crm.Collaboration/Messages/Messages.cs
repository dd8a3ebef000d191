using System.ComponentModel.DataAnnotations;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Platform.Access;
using Crm.Platform.Notifications;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Collaboration.Messages;

public sealed record StartThread
{
    [Required, StringLength(200, MinimumLength = 1), NotBlank]
    public string Subject { get; init; } = "";

    /// <summary>Active users of the tenant besides the sender.</summary>
    [Required, MinLength(1), MaxLength(50), EachLength(1, 26)]
    public IReadOnlyList<string>? RecipientIds { get; init; }

    [Required, StringLength(10_000, MinimumLength = 1), NotBlank]
    public string Body { get; init; } = "";
}

public sealed record PostMessage
{
    [Required, StringLength(10_000, MinimumLength = 1), NotBlank]
    public string Body { get; init; } = "";
}

public sealed record UnreadCount(int Threads, int Messages);

public sealed record StartedThread(MessageThread Thread, Message Message);

internal sealed class MessageThreadRecordType : RecordType<MessageThread>
{
    public override string Name => "messageThread";
    public override string Table => "messagethreads";
    public override string Collection => "message-threads";
    public override string DisplayName(MessageThread record) => record.Subject;
    public override IEnumerable<SearchTerm> SearchTerms(MessageThread record) => [];
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["createdAt", "createdBy"]);
}

internal sealed class MessageRecordType : RecordType<Message>
{
    public override string Name => "message";
    public override string Table => "messages";

    /// <summary>What was sent stays sent: no route deletes a message.</summary>
    public override bool CanDelete => false;
    public override string DisplayName(Message record) => record.Body.Length > 50 ? record.Body[..50] : record.Body;
    public override IReadOnlyList<string> IndexedFields => ["threadId"];
    public override IEnumerable<SearchTerm> SearchTerms(Message record) => [];
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["threadId", "senderId", "createdAt"]);
}

internal sealed class InboxEntryRecordType : RecordType<InboxEntry>
{
    public override string Name => "inboxEntry";
    public override string Table => "inboxentries";
    public override bool CanDelete => false;
    public override string DisplayName(InboxEntry record) => record.Subject;
    public override IReadOnlyList<string> IndexedFields => ["userId", "threadId"];

    /// <summary>One entry per participant and thread.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(InboxEntry record) =>
        [new("reader", $"{record.UserId}~{record.ThreadId}", "message.duplicate_reader", "This user already takes part in the thread.")];

    public override IEnumerable<SearchTerm> SearchTerms(InboxEntry record) => [];
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["userId", "threadId", "updatedAt"]);
}

/// <summary>
/// Internal messages between users: threads with a subject and participants, replies, each participant's inbox with
/// unread counts, marking a thread read. Everyone has them, so no permission is needed; a thread answers 404 to anyone
/// not taking part in it, whatever their role. Recipients are told by a notification.
/// </summary>
internal sealed class MessageEndpoints(
    RecordStore<MessageThread> threads, RecordStore<Message> messages, RecordStore<InboxEntry> inbox, AccessDirectory directory,
    INotifier notifier, TimeProvider clock) : IApiFeature
{
    public const string RecipientUnknown = "message.recipient_unknown";
    public const string NotifyKind = "message.received";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/message-threads").WithTags("Messages");
        group.MapGet("/", ListThreads).AnyCaller().WithName("ListMessageThreads").WithSummary("Your inbox: the threads you take part in, latest activity first, with unread counts");
        group.MapPost("/", StartThread).AnyCaller().WithName("StartMessageThread").WithSummary("Start a thread with colleagues: subject, recipients and the first message");
        group.MapGet("/unread", Unread).AnyCaller().WithName("CountUnreadMessages").WithSummary("How many of your threads, and messages in them, you have not read");
        group.MapGet("/{id}/messages", ListMessages).AnyCaller().WithName("ListMessages").WithSummary("A thread's messages, oldest first");
        group.MapPost("/{id}/messages", Reply).AnyCaller().WithName("ReplyToMessageThread").WithSummary("Reply in a thread you take part in");
        group.MapPost("/{id}/read", MarkRead).AnyCaller().WithName("MarkMessageThreadRead").WithSummary("Mark a thread read");
    }

    public static async Task<Ok<Page<InboxEntry>>> ListThreads(MessageEndpoints feature, HttpContext context, int limit = 50, string? cursor = null) =>
        TypedResults.Ok(await feature.InboxAsync(context.Caller(), limit, cursor, context.RequestAborted));

    public static async Task<Created<StartedThread>> StartThread(StartThread input, MessageEndpoints feature, HttpContext context)
    {
        var started = await feature.StartAsync(context.Caller(), RequestValidation.Validate(input), context.RequestAborted);
        return TypedResults.Created($"{context.Request.PathBase}/api/v1/message-threads/{started.Thread.Id}/messages", started);
    }

    public static async Task<Ok<UnreadCount>> Unread(MessageEndpoints feature, HttpContext context) =>
        TypedResults.Ok(await feature.UnreadAsync(context.Caller(), context.RequestAborted));

    public static async Task<Ok<Page<Message>>> ListMessages(string id, MessageEndpoints feature, HttpContext context, int limit = 50, string? cursor = null) =>
        TypedResults.Ok(await feature.MessagesAsync(context.Caller(), id, limit, cursor, context.RequestAborted));

    public static async Task<Created<Message>> Reply(string id, PostMessage input, MessageEndpoints feature, HttpContext context)
    {
        var message = await feature.ReplyAsync(context.Caller(), id, RequestValidation.Validate(input).Body, context.RequestAborted);
        return TypedResults.Created($"{context.Request.PathBase}/api/v1/message-threads/{id}/messages", message);
    }

    public static async Task<Ok<InboxEntry>> MarkRead(string id, MessageEndpoints feature, HttpContext context) =>
        TypedResults.Ok(await feature.MarkReadAsync(context.Caller(), id, context.RequestAborted));

    private async Task<Page<InboxEntry>> InboxAsync(Caller caller, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ListParameters.EnsureLogPage(limit);
        return await inbox.ListAsync(caller.TenantId, new ListQuery { FieldEquals = [new("userId", caller.UserId)], Limit = limit, Cursor = cursor }, cancellationToken);
    }

    private async Task<UnreadCount> UnreadAsync(Caller caller, CancellationToken cancellationToken)
    {
        var (threadCount, messageCount) = (0, 0);
        await foreach (var entry in inbox.ListAllAsync(caller.TenantId, new ListQuery { FieldEquals = [new("userId", caller.UserId)] }, cancellationToken))
        {
            if (entry.Unread > 0)
            {
                threadCount++;
                messageCount += entry.Unread;
            }
        }
        return new UnreadCount(threadCount, messageCount);
    }

    private async Task<Page<Message>> MessagesAsync(Caller caller, string id, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ListParameters.EnsureLogPage(limit);
        await ThreadOfAsync(caller, id, cancellationToken);
        return await messages.ListAsync(caller.TenantId, new ListQuery { FieldEquals = [new("threadId", id)], Sort = "createdAt", Limit = limit, Cursor = cursor }, cancellationToken);
    }

    private async Task<InboxEntry> MarkReadAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        await ThreadOfAsync(caller, id, cancellationToken);
        var entry = await EntryAsync(caller.TenantId, caller.UserId, id, cancellationToken);
        return entry.Unread == 0 ? entry : await inbox.UpdateAsync(caller.Write(clock), entry.Id, null,
            current => ValueTask.FromResult(current with { Unread = 0 }), cancellationToken: cancellationToken);
    }

    private async Task<StartedThread> StartAsync(Caller caller, StartThread input, CancellationToken cancellationToken)
    {
        var recipients = input.RecipientIds!.Select(r => r.Trim()).Where(r => r != caller.UserId).Distinct(StringComparer.Ordinal).ToList();
        if (recipients.Count == 0)
        {
            throw new ValidationException("recipientIds", "Name at least one colleague besides yourself.");
        }
        foreach (var recipient in recipients)
        {
            if (!Ids.IsWellFormed(recipient) || await directory.UserAsync(caller.TenantId, recipient, cancellationToken) is not { Status: UserStatus.Active })
            {
                throw new ValidationException("recipientIds", $"'{recipient}' is not an active user of this tenant.", RecipientUnknown);
            }
        }
        var write = caller.Write(clock);
        var thread = await threads.CreateAsync(write, new MessageThread { Subject = input.Subject.Trim(), ParticipantIds = [caller.UserId, .. recipients] },
            cancellationToken: cancellationToken);
        var message = await messages.CreateAsync(write, new Message { ThreadId = thread.Id, SenderId = caller.UserId, Body = input.Body.Trim() },
            cancellationToken: cancellationToken);
        foreach (var participant in thread.ParticipantIds)
        {
            await inbox.CreateAsync(write, new InboxEntry
            {
                UserId = participant, ThreadId = thread.Id, Subject = thread.Subject, LastSenderId = caller.UserId, LastExcerpt = Excerpt(message.Body),
                LastMessageAt = message.CreatedAt, Unread = participant == caller.UserId ? 0 : 1,
            }, cancellationToken: cancellationToken);
        }
        await NotifyAsync(caller, thread, message, cancellationToken);
        return new StartedThread(thread, message);
    }

    private async Task<Message> ReplyAsync(Caller caller, string threadId, string body, CancellationToken cancellationToken)
    {
        var thread = await ThreadOfAsync(caller, threadId, cancellationToken);
        var write = caller.Write(clock);
        var message = await messages.CreateAsync(write, new Message { ThreadId = thread.Id, SenderId = caller.UserId, Body = body.Trim() }, cancellationToken: cancellationToken);
        foreach (var participant in thread.ParticipantIds)
        {
            var entry = await EntryAsync(caller.TenantId, participant, thread.Id, cancellationToken);
            // Under the entry's ETag, re-applied on contention: two replies at once both count.
            await inbox.UpdateAsync(write, entry.Id, null, current => ValueTask.FromResult(current with
            {
                LastSenderId = caller.UserId, LastExcerpt = Excerpt(message.Body), LastMessageAt = message.CreatedAt,
                Unread = participant == caller.UserId ? 0 : current.Unread + 1,
            }), cancellationToken: cancellationToken);
        }
        await NotifyAsync(caller, thread, message, cancellationToken);
        return message;
    }

    /// <summary>The thread, when the caller takes part in it; otherwise as unknown as a missing one.</summary>
    private async Task<MessageThread> ThreadOfAsync(Caller caller, string id, CancellationToken cancellationToken) =>
        Ids.IsWellFormed(id) && await threads.FindAsync(caller.TenantId, id, cancellationToken) is { } thread && thread.ParticipantIds.Contains(caller.UserId)
            ? thread
            : throw new NotFoundException("messageThread", id);

    private async Task<InboxEntry> EntryAsync(string tenantId, string userId, string threadId, CancellationToken cancellationToken)
    {
        var page = await inbox.ListAsync(tenantId, new ListQuery { FieldEquals = [new("threadId", threadId), new("userId", userId)], Limit = 1 }, cancellationToken);
        return page.Items.Count > 0 ? page.Items[0] : throw new NotFoundException("messageThread", threadId);
    }

    private async Task NotifyAsync(Caller caller, MessageThread thread, Message message, CancellationToken cancellationToken)
    {
        foreach (var participant in thread.ParticipantIds.Where(p => p != caller.UserId))
        {
            await notifier.NotifyAsync(caller.TenantId, new Notice(participant, NotifyKind, $"New message: {thread.Subject}", Excerpt(message.Body), "messageThread", thread.Id),
                $"message:{message.Id}:{participant}", cancellationToken);
        }
    }

    private static string Excerpt(string body) => body.Length > 140 ? body[..140] + "…" : body;
}
