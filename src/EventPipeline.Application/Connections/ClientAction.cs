namespace EventPipeline.Application.Connections;

/// <summary>What a client message asks for (the WebSocket route its <c>action</c> selected).</summary>
public enum ClientAction
{
    /// <summary>An action the protocol does not have (the <c>$default</c> route).</summary>
    Unknown,

    /// <summary><c>{"action":"subscribe","channel":…,"since"?:…}</c>.</summary>
    Subscribe,

    /// <summary><c>{"action":"unsubscribe","channel":…}</c>.</summary>
    Unsubscribe,

    /// <summary><c>{"action":"ping"}</c>.</summary>
    Ping,
}
