using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Storage.Triggers;

/// <summary>
/// One registered (queue, message type, handler). Keeps the generic types out of the listener so
/// there is one listener class whatever the message.
/// </summary>
internal abstract class QueueBinding(string queueName, Type messageType, Type handlerType)
{
    /// <summary>The queue's name as the app spells it, before the storage prefix.</summary>
    public string QueueName { get; } = queueName;

    public string MessageType { get; } = MessageEnvelope.TypeName(messageType);

    public string HandlerName { get; } = handlerType.Name;

    /// <summary>Throws <see cref="JsonException"/> or <see cref="NotSupportedException"/> when the body does not fit.</summary>
    public abstract IQueueMessage? ReadBody(JsonElement body);

    public abstract Task InvokeAsync(IServiceProvider services, IQueueMessage message, QueueMessageContext context, CancellationToken cancellationToken);
}

internal sealed class QueueBinding<TMessage, THandler>(string queueName)
    : QueueBinding(queueName, typeof(TMessage), typeof(THandler))
    where TMessage : IQueueMessage
    where THandler : class, IQueueHandler<TMessage>
{
    public override IQueueMessage? ReadBody(JsonElement body) => body.Deserialize<TMessage>(MessageEnvelope.BodyOptions);

    public override Task InvokeAsync(IServiceProvider services, IQueueMessage message, QueueMessageContext context, CancellationToken cancellationToken) =>
        services.GetRequiredService<THandler>().HandleAsync((TMessage)message, context, cancellationToken);
}
