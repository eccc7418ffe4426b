using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EventPipeline.Application.Ports;
using EventPipeline.Domain;

namespace EventPipeline.Application.Connections;

/// <summary>
/// The WebSocket protocol's server side: <c>connect</c> verifies the token and binds the connection to its tenant;
/// <c>subscribe</c> / <c>unsubscribe</c> / <c>ping</c> answer on the connection; <c>subscribe</c> with <c>since</c> first
/// replays what the client missed from the change log, or tells it to reload. Channel names carry no tenant: the
/// stored connection's tenant scopes every channel, so a connection sees only its own tenant.
/// </summary>
/// <param name="tokens">Verifies tokens at connect.</param>
/// <param name="connections">Connections and subscriptions.</param>
/// <param name="changeLog">Per-channel sequences and missed pushes.</param>
/// <param name="pusher">Answers on the connection.</param>
/// <param name="clock">Clock (connect time, pong time).</param>
public sealed class ConnectionSessions(ITenantTokens tokens, IConnectionStore connections, IChangeLog changeLog, IConnectionPusher pusher, TimeProvider clock)
{
    /// <summary>Most missed changes replayed on resume before the client is told to reload instead.</summary>
    public const int MaxReplay = 1000;

    /// <summary>Binds <paramref name="connectionId"/> to the tenant of <paramref name="token"/>, or refuses it.</summary>
    public async Task<TokenResult> ConnectAsync(string connectionId, string? token, CancellationToken cancellationToken)
    {
        var result = await tokens.ValidateAsync(token, cancellationToken);
        if (result.IsValid)
        {
            await connections.AddAsync(new ConnectionInfo(connectionId, result.Tenant!, clock.GetUtcNow()), cancellationToken);
        }

        return result;
    }

    /// <summary>Forgets the connection and its subscriptions.</summary>
    public Task DisconnectAsync(string connectionId, CancellationToken cancellationToken) => connections.RemoveAsync(connectionId, cancellationToken);

    /// <summary>Pushes of a replay posted at once (the client orders them by sequence until 'subscribed' arrives).</summary>
    public const int ReplayParallelism = 8;

    /// <summary>What is kept of the invocation's time for the last posts and the 'subscribed' answer.</summary>
    public static readonly TimeSpan AnswerMargin = TimeSpan.FromSeconds(2);

    /// <summary>Handles one client message and answers on the connection.</summary>
    /// <param name="connectionId">The connection the message came from.</param>
    /// <param name="action">The route it was sent to.</param>
    /// <param name="body">The message.</param>
    /// <param name="timeLeft">
    /// The invocation's remaining time: a <c>since</c> replay that would not finish in it (less <see cref="AnswerMargin"/>)
    /// stops and tells the client to reload over REST, rather than being cut off by the function timeout. Null: no limit.
    /// </param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>False when the connection turned out to be gone (and was removed).</returns>
    public async Task<bool> ReceiveAsync(string connectionId, ClientAction action, string? body, TimeSpan? timeLeft, CancellationToken cancellationToken)
    {
        var answerBy = timeLeft is { } left ? clock.GetUtcNow() + left - AnswerMargin : (DateTimeOffset?)null;
        var connection = await connections.GetAsync(connectionId, cancellationToken);
        if (connection is null)
        {
            // Expired or never connected: nothing is bound to this id, so nothing may be answered but an error.
            return await SendAsync(connectionId, Error("connection", "unknown or expired: reconnect"), cancellationToken);
        }

        string? channel = null;
        long? since = null;
        try
        {
            using var doc = JsonDocument.Parse(body ?? "{}");
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("channel", out var c))
                {
                    channel = c.ValueKind == JsonValueKind.String ? c.GetString() : "";
                }

                if (doc.RootElement.TryGetProperty("since", out var s))
                {
                    if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out var sv) || sv < 0)
                    {
                        return await SendAsync(connectionId, Error("since", "must be a non-negative integer sequence"), cancellationToken);
                    }

                    since = sv;
                }
            }
        }
        catch (JsonException)
        {
            return await SendAsync(connectionId, Error("body", "must be a JSON object"), cancellationToken);
        }

        switch (action)
        {
            case ClientAction.Ping:
                return await SendAsync(connectionId, Json(w =>
                {
                    w.WriteString("type", "pong");
                    w.WriteString("time", clock.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                }), cancellationToken);
            case ClientAction.Subscribe:
            case ClientAction.Unsubscribe:
                if (Channels.Validate(channel) is { } rule)
                {
                    return await SendAsync(connectionId, Error("channel", rule), cancellationToken);
                }

                if (action == ClientAction.Unsubscribe)
                {
                    await connections.UnsubscribeAsync(connectionId, channel!, cancellationToken);
                    return await SendAsync(connectionId, Json(w => { w.WriteString("type", "unsubscribed"); w.WriteString("channel", channel); }), cancellationToken);
                }

                return await SubscribeAsync(connection, channel!, since, answerBy, cancellationToken);
            default:
                return await SendAsync(connectionId, Error("action", "must be one of: subscribe, unsubscribe, ping"), cancellationToken);
        }
    }

    private async Task<bool> SubscribeAsync(ConnectionInfo connection, string channel, long? since, DateTimeOffset? answerBy, CancellationToken ct)
    {
        // Stored before the replay, so that nothing published meanwhile falls between the two (a live push can
        // overtake the replay: clients order by sequence until 'subscribed' arrives).
        await connections.SubscribeAsync(connection, channel, ct);
        var id = connection.ConnectionId;
        long latest;
        if (since is { } from)
        {
            var changes = await changeLog.ReadSinceAsync(connection.Tenant, channel, from, MaxReplay, ct);
            latest = changes.Latest;
            if (changes.Gap || (changes.Entries.Count > 0 && changes.Entries[^1].Sequence < changes.Latest))
            {
                return await SendAsync(id, Reload(channel, changes.Latest, "changes since the given sequence are no longer in the change log: reload the aggregate"), ct)
                    && await SendSubscribedAsync(id, channel, latest, ct);
            }

            foreach (var chunk in changes.Entries.Chunk(ReplayParallelism))
            {
                if (answerBy is { } deadline && clock.GetUtcNow() > deadline)
                {
                    return await SendAsync(id, Reload(channel, changes.Latest, "the replay did not fit in one answer: reload the aggregate"), ct)
                        && await SendSubscribedAsync(id, channel, latest, ct);
                }

                var sent = await Task.WhenAll(chunk.Select(e => SendAsync(id, Encoding.UTF8.GetBytes(e.Payload), ct)));
                if (sent.Contains(false))
                {
                    return false;
                }
            }
        }
        else
        {
            latest = (await changeLog.ReadSinceAsync(connection.Tenant, channel, long.MaxValue - 1, 1, ct)).Latest;
        }

        return await SendSubscribedAsync(id, channel, latest, ct);
    }

    private Task<bool> SendSubscribedAsync(string id, string channel, long latest, CancellationToken ct) =>
        SendAsync(id, Json(w =>
        {
            w.WriteString("type", "subscribed");
            w.WriteString("channel", channel);
            w.WriteNumber("sequence", latest);
        }), ct);

    private static byte[] Reload(string channel, long sequence, string reason) => Json(w =>
    {
        w.WriteString("type", "reload");
        w.WriteString("channel", channel);
        w.WriteNumber("sequence", sequence);
        w.WriteString("reason", reason);
    });

    private async Task<bool> SendAsync(string connectionId, byte[] payload, CancellationToken ct)
    {
        switch (await pusher.PushAsync(connectionId, payload, ct))
        {
            case PushOutcome.Gone:
                await connections.RemoveAsync(connectionId, ct);
                return false;
            case PushOutcome.Failed:
                throw new AnswerNotDeliveredException(connectionId);
            default:
                return true;
        }
    }

    private static byte[] Error(string field, string rule) => Json(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("field", field);
        w.WriteString("rule", rule);
        w.WriteString("message", $"{field}: {rule}");
    });

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
